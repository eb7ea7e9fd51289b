// IncrementalAlterConfigs (key 44): SET, DELETE, APPEND and SUBTRACT on a topic's or a broker's
// configs, each resource on its own; what `kafka-configs --alter` and Admin.incrementalAlterConfigs
// send. The active controller applies them (see ConfigControl.planIncremental).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(broker, body) {
    const results = await broker.controller.incrementalAlterConfigs(
      body.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
      body.validateOnly,
    );
    return {
      throttleTimeMs: 0,
      responses: body.resources.map((resource, i) => ({
        errorCode: results[i]!.error?.code ?? ErrorCode.NONE,
        errorMessage: results[i]!.error?.responseMessage ?? null,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
      })),
    };
  },
});
