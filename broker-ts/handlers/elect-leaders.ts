// ElectLeaders (key 43): what `kafka-leader-election` sends. Served by the active controller
// (other nodes forward it there): the preferred replica made leader again, or, unclean (KIP-460),
// a leader for a partition that has none.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
import { ElectionType } from '../metadata/replication-control.js';
import { defineHandler } from '../server/api-handler.js';

export const electLeadersHandler = defineHandler({
  apiKey: ApiKey.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    // v0 knows only the preferred election.
    const electionType = body.electionType ?? ElectionType.PREFERRED;
    try {
      const results = await broker.controller.electLeaders(electionType, body.topicPartitions);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        replicaElectionResults: results.map((r) => ({
          topic: r.topic,
          partitionResult: r.partitions.map((p) => ({
            partitionId: p.partitionId,
            errorCode: p.error?.code ?? ErrorCode.NONE,
            errorMessage: p.error?.responseMessage ?? null,
          })),
        })),
      };
    } catch (error) {
      // As Kafka's error response: the error for the request, and for each partition it named.
      const errorCode = errorCodeOf(error);
      const errorMessage = error instanceof ApiError ? error.responseMessage : null;
      return {
        throttleTimeMs: 0,
        errorCode,
        replicaElectionResults: (body.topicPartitions ?? []).map((t) => ({
          topic: t.topic,
          partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
        })),
      };
    }
  },
});
