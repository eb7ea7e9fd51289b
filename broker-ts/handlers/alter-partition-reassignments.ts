// AlterPartitionReassignments (key 45): what `kafka-reassign-partitions --execute` and `--cancel`
// send. Served by the active controller (other nodes forward it there); each partition is answered
// on its own.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { errorCodeOf, errorMessageOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const alterPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKey.AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 1,
  async handle(broker, body) {
    const allowReplicationFactorChange = body.allowReplicationFactorChange ?? true;
    const requests = body.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, replicas: p.replicas })),
    }));
    try {
      const results = await broker.controller.alterPartitionReassignments(requests, allowReplicationFactorChange);
      return {
        throttleTimeMs: 0,
        allowReplicationFactorChange,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        responses: results.map((r) => ({
          name: r.topic,
          partitions: r.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: p.error?.code ?? ErrorCode.NONE,
            errorMessage: p.error === undefined ? null : errorMessageOf(p.error),
          })),
        })),
      };
    } catch (error) {
      const errorCode = errorCodeOf(error);
      const errorMessage = errorMessageOf(error);
      return {
        throttleTimeMs: 0,
        allowReplicationFactorChange,
        errorCode,
        errorMessage,
        responses: body.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })),
        })),
      };
    }
  },
});
