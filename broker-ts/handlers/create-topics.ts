// CreateTopics (key 19): the controller validates and commits the topics (validate_only stops
// before the commit); v5+ answers with the partition count, replication factor and the effective
// configs of each created topic.
import { ApiKey, ErrorCode, schema } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  async handle(broker, body) {
    const results = await broker.controller.createTopics(
      body.topics.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments,
        configs: t.configs,
      })),
      body.validateOnly,
    );
    return {
      throttleTimeMs: 0,
      topics: results.map((result) => {
        if (result.error !== undefined) {
          return {
            name: result.name,
            topicId: schema.ZERO_UUID,
            errorCode: result.error.code,
            errorMessage: result.error.responseMessage,
            numPartitions: -1,
            replicationFactor: -1,
            configs: [],
          };
        }
        return {
          name: result.name,
          topicId: result.topicId ?? schema.ZERO_UUID,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: result.numPartitions,
          replicationFactor: result.replicationFactor,
          configs: broker.configs.topicEntries(result.configs).map((entry) => ({
            name: entry.name,
            value: entry.value,
            readOnly: entry.readOnly,
            configSource: entry.source,
            isSensitive: entry.sensitive,
          })),
        };
      }),
    };
  },
});
