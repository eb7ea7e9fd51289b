// Topics and their partitions, a page at a time (KIP-966): the answer stops after
// ResponsePartitionLimit partitions and names where the next page starts. Flexible from its first
// version; unlike Metadata it carries each partition's eligible leader replicas.
import * as t from '../../schema/types.js';

/** A topic and partition index: where a page starts, and where the next one will. */
export const Cursor = t.struct({
  topicName: t.string,
  partitionIndex: t.int32,
});

export const TopicRequest = t.struct({
  name: t.string,
});

export const request = t.struct({
  /** Empty: every topic. */
  topics: t.array(TopicRequest),
  responsePartitionLimit: t.withDefault(t.int32, 2000),
  cursor: t.withDefault(t.nullableStruct(Cursor.fields), null),
});

export const DescribeTopicPartitionsResponsePartition = t.struct({
  errorCode: t.int16,
  partitionIndex: t.int32,
  leaderId: t.int32,
  leaderEpoch: t.withDefault(t.int32, -1),
  replicaNodes: t.array(t.int32),
  isrNodes: t.array(t.int32),
  eligibleLeaderReplicas: t.withDefault(t.nullableArray(t.int32), null),
  lastKnownElr: t.withDefault(t.nullableArray(t.int32), null),
  offlineReplicas: t.array(t.int32),
});

/** Kafka's marker for "authorized operations not computed". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const DescribeTopicPartitionsResponseTopic = t.struct({
  errorCode: t.int16,
  name: t.nullableString,
  topicId: t.uuid,
  isInternal: t.bool,
  partitions: t.array(DescribeTopicPartitionsResponsePartition),
  topicAuthorizedOperations: t.withDefault(t.int32, AUTHORIZED_OPERATIONS_OMITTED),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  topics: t.array(DescribeTopicPartitionsResponseTopic),
  /** Null when the answer holds every partition asked for. */
  nextCursor: t.withDefault(t.nullableStruct(Cursor.fields), null),
});
