// Moves partitions' replicas, or cancels a move (KIP-455): what `kafka-reassign-partitions
// --execute` and `--cancel` send. Served by the active controller.
import * as t from '../../schema/types.js';

export const ReassignablePartition = t.struct({
  partitionIndex: t.int32,
  /** The target replicas; null cancels the ongoing reassignment. */
  replicas: t.withDefault(t.nullableArray(t.int32), null),
});

export const ReassignableTopic = t.struct({
  name: t.string,
  partitions: t.array(ReassignablePartition),
});

export const request = t.struct({
  timeoutMs: t.withDefault(t.int32, 60_000),
  topics: t.array(ReassignableTopic),
});

export const ReassignablePartitionResponse = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  errorMessage: t.nullableString,
});

export const ReassignableTopicResponse = t.struct({
  name: t.string,
  partitions: t.array(ReassignablePartitionResponse),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  errorMessage: t.nullableString,
  responses: t.array(ReassignableTopicResponse),
});
