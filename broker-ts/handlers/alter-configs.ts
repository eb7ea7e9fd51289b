// AlterConfigs (key 33, the legacy non-incremental form): the given configs replace every previous
// override of the resource. Topic configs are validated as Kafka validates them; for brokers only
// keys Kafka can change at run time are accepted.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const results = await broker.controller.alterConfigs(
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
