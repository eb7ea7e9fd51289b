// A KRaft leader resigns and names whom it prefers as successor (KIP-595).
import * as t from '../../schema/types.js';

export const PartitionData = t.struct({
  partitionIndex: t.int32,
  leaderId: t.int32,
  leaderEpoch: t.int32,
  preferredSuccessors: t.array(t.int32),
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
});

export const TopicDataResponse = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionDataResponse),
});

export const response = t.struct({
  errorCode: t.int16,
  topics: t.array(TopicDataResponse),
});
