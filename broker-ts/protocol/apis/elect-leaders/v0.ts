import * as t from '../../schema/types.js';

export const TopicPartitions = t.struct({
  topic: t.string,
  partitions: t.array(t.int32),
});

export const request = t.struct({
  /** All partitions when null. */
  topicPartitions: t.nullableArray(TopicPartitions),
  timeoutMs: t.int32,
});

export const PartitionResult = t.struct({
  partitionId: t.int32,
  errorCode: t.int16,
  errorMessage: t.nullableString,
});

export const ReplicaElectionResult = t.struct({
  topic: t.string,
  partitionResult: t.array(PartitionResult),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  replicaElectionResults: t.array(ReplicaElectionResult),
});
