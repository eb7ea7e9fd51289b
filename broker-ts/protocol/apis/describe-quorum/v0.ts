// State of the KRaft metadata quorum: sent to any broker or controller, answered by the active
// controller (KIP-595).
import * as t from '../../schema/types.js';

export const PartitionData = t.struct({
  partitionIndex: t.int32,
});

export const TopicData = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionData),
});

export const request = t.struct({
  topics: t.array(TopicData),
});

export const ReplicaState = t.struct({
  replicaId: t.int32,
  logEndOffset: t.int64,
});

export const PartitionDataResponse = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  leaderId: t.int32,
  leaderEpoch: t.int32,
  highWatermark: t.int64,
  currentVoters: t.array(ReplicaState),
  observers: t.array(ReplicaState),
});

export const TopicDataResponse = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionDataResponse),
});

export const response = t.struct({
  errorCode: t.int16,
  topics: t.array(TopicDataResponse),
});
