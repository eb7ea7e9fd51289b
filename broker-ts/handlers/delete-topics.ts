// DeleteTopics (key 20): by name (v1-5) or by name or topic id (v6). The controller removes the
// topic from the metadata; every replica then deletes its partitions' logs.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  async handle(broker, body, context) {
    const references =
      context.apiVersion >= 6 ? (body.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId })) : (body.topicNames ?? []).map((name) => ({ name }));
    const results = await broker.controller.deleteTopics(references);
    return {
      throttleTimeMs: 0,
      responses: results.map((result) => ({
        name: result.name ?? null,
        topicId: result.topicId,
        errorCode: result.error?.code ?? ErrorCode.NONE,
        errorMessage: result.error?.responseMessage ?? null,
      })),
    };
  },
});
