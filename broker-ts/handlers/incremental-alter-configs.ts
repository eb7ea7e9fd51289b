// IncrementalAlterConfigs (key 44): SET, DELETE, APPEND and SUBTRACT on a topic's or a broker's
// configs, each resource on its own; what `kafka-configs --alter` and Admin.incrementalAlterConfigs
// send. The active controller applies them (see ConfigControl.planIncremental).
import { ApiKey } from '@kafka-chaos/protocol';
import { configResponses } from './alter-configs.js';
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
    return configResponses(body.resources, results);
  },
});
