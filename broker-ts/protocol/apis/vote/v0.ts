// KRaft leader election (KIP-595); flexible from its first version.
import * as t from '../../schema/types.js';

export const PartitionData = t.struct({
  partitionIndex: t.int32,
  /** Kafka 3.x named these two candidateEpoch and candidateId. */
  replicaEpoch: t.int32,
  replicaId: t.int32,
  lastOffsetEpoch: t.int32,
  lastOffset: t.int64,
});

export const TopicData = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionData),
});

export const request = t.struct({
  clusterId: t.withDefault(t.nullableString, null),
  topics: t.array(TopicData),
});

export const PartitionDataResponse = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  leaderId: t.int32,
  leaderEpoch: t.int32,
  voteGranted: t.bool,
});

export const TopicDataResponse = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionDataResponse),
});

export const response = t.struct({
  errorCode: t.int16,
  topics: t.array(TopicDataResponse),
});
