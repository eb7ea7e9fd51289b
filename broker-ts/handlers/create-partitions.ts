// CreatePartitions (key 37): adds partitions to existing topics.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(broker, body) {
    const results = await broker.controller.createPartitions(
      body.topics.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments })),
      body.validateOnly,
    );
    return {
      throttleTimeMs: 0,
      results: results.map((r) => ({ name: r.name, errorCode: r.error?.code ?? ErrorCode.NONE, errorMessage: r.error?.responseMessage ?? null })),
    };
  },
});
