// KIP-848 consumer groups described: epochs, the assignor, and each member's current and target
// assignment.
import * as t from '../../schema/types.js';

export const request = t.struct({
  groupIds: t.array(t.string),
  includeAuthorizedOperations: t.bool,
});

export const TopicPartitions = t.struct({
  topicId: t.uuid,
  topicName: t.string,
  partitions: t.array(t.int32),
});

export const Assignment = t.struct({
  topicPartitions: t.array(TopicPartitions),
});

export const Member = t.struct({
  memberId: t.string,
  instanceId: t.withDefault(t.nullableString, null),
  rackId: t.withDefault(t.nullableString, null),
  memberEpoch: t.int32,
  clientId: t.string,
  clientHost: t.string,
  subscribedTopicNames: t.array(t.string),
  subscribedTopicRegex: t.withDefault(t.nullableString, null),
  assignment: Assignment,
  targetAssignment: Assignment,
});

/** Kafka's marker for "authorized operations not computed". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const DescribedGroup = t.struct({
  errorCode: t.int16,
  errorMessage: t.withDefault(t.nullableString, null),
  groupId: t.string,
  groupState: t.string,
  groupEpoch: t.int32,
  assignmentEpoch: t.int32,
  assignorName: t.string,
  members: t.array(Member),
  authorizedOperations: t.withDefault(t.int32, AUTHORIZED_OPERATIONS_OMITTED),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  groups: t.array(DescribedGroup),
});
