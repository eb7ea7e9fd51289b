// The KIP-848 consumer group protocol: a member joins (epoch 0), heartbeats with its epoch and,
// when they changed, its subscription and owned partitions, and leaves (epoch -1; -2 for a static
// member that will come back). Fields left null mean "unchanged since the last heartbeat".
import * as t from '../../schema/types.js';

export const TopicPartitions = t.struct({
  topicId: t.uuid,
  partitions: t.array(t.int32),
});

export const request = t.struct({
  groupId: t.string,
  memberId: t.string,
  memberEpoch: t.int32,
  instanceId: t.withDefault(t.nullableString, null),
  rackId: t.withDefault(t.nullableString, null),
  rebalanceTimeoutMs: t.withDefault(t.int32, -1),
  subscribedTopicNames: t.withDefault(t.nullableArray(t.string), null),
  serverAssignor: t.withDefault(t.nullableString, null),
  topicPartitions: t.withDefault(t.nullableArray(TopicPartitions), null),
});

export const Assignment = t.struct({
  topicPartitions: t.array(TopicPartitions),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  errorMessage: t.withDefault(t.nullableString, null),
  memberId: t.withDefault(t.nullableString, null),
  memberEpoch: t.int32,
  heartbeatIntervalMs: t.int32,
  assignment: t.withDefault(t.nullableStruct(Assignment.fields), null),
});
