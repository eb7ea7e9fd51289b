// ListPartitionReassignments (key 46): what `kafka-reassign-partitions --list` and `--verify` send.
// Served by the active controller (other nodes forward it there).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { errorCodeOf, errorMessageOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const listPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKey.ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  async handle(broker, body) {
    try {
      const ongoing = await broker.controller.listPartitionReassignments(body.topics ?? null);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: ongoing.map((t) => ({ name: t.topic, partitions: t.partitions })),
      };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf(error), errorMessage: errorMessageOf(error), topics: [] };
    }
  },
});
