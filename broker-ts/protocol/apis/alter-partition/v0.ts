// A partition leader asks the controller to change the ISR (KIP-497); flexible from its first
// version. Kafka 4 serves v2+; v0 and v1 follow Kafka 3.9.
import * as t from '../../schema/types.js';

export const PartitionData = t.struct({
  partitionIndex: t.int32,
  leaderEpoch: t.int32,
  newIsr: t.array(t.int32),
  partitionEpoch: t.int32,
});

export const TopicData = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionData),
});

export const request = t.struct({
  brokerId: t.int32,
  brokerEpoch: t.withDefault(t.int64, -1n),
  topics: t.array(TopicData),
});

export const PartitionDataResponse = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  leaderId: t.int32,
  leaderEpoch: t.int32,
  isr: t.array(t.int32),
  partitionEpoch: t.int32,
});

export const TopicDataResponse = t.struct({
  topicName: t.string,
  partitions: t.array(PartitionDataResponse),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  topics: t.array(TopicDataResponse),
});
