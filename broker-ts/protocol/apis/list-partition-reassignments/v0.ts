// The partitions being reassigned (KIP-455): what `kafka-reassign-partitions --list` and
// `--verify` send. Served by the active controller.
import * as t from '../../schema/types.js';

export const ListPartitionReassignmentsTopics = t.struct({
  name: t.string,
  partitionIndexes: t.array(t.int32),
});

export const request = t.struct({
  timeoutMs: t.withDefault(t.int32, 60_000),
  /** null lists every partition being reassigned. */
  topics: t.withDefault(t.nullableArray(ListPartitionReassignmentsTopics), null),
});

export const OngoingPartitionReassignment = t.struct({
  partitionIndex: t.int32,
  replicas: t.array(t.int32),
  addingReplicas: t.array(t.int32),
  removingReplicas: t.array(t.int32),
});

export const OngoingTopicReassignment = t.struct({
  name: t.string,
  partitions: t.array(OngoingPartitionReassignment),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  errorMessage: t.nullableString,
  topics: t.array(OngoingTopicReassignment),
});
