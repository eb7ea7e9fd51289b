// Kafka's checks of a ConsumerGroupHeartbeat before it touches the group: the request's fields
// (throwIfConsumerGroupHeartbeatRequestIsInvalid) and the member epoch it carries.
import { ApiError } from '../errors/api-error.js';
import type { ServerAssignor } from './assignors/assignor.js';
import { JOIN_GROUP_MEMBER_EPOCH, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './consumer-group.js';
import type { ConsumerGroupMember } from './consumer-group.js';
import type { Assignment } from './topic-partition-assignment.js';
import { isSubsetOf } from './topic-partition-assignment.js';

/** A ConsumerGroupHeartbeat's fields. */
export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: readonly string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: readonly { topicId: string; partitions: readonly number[] }[] | null;
}

function fail(name: Parameters<typeof ApiError.of>[0], message: string): never {
  throw ApiError.of(name, message);
}

/** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid. */
export function validateHeartbeat(request: HeartbeatRequest, assignors: readonly ServerAssignor[]): void {
  const notEmpty = (value: string | null, field: string) => {
    if (value !== null && value.trim() === '') fail('INVALID_REQUEST', `${field} can't be empty.`);
  };
  notEmpty(request.groupId, 'GroupId');
  notEmpty(request.instanceId, 'InstanceId');
  notEmpty(request.rackId, 'RackId');
  const epoch = request.memberEpoch;
  if (epoch > 0 || epoch === LEAVE_GROUP_MEMBER_EPOCH) {
    notEmpty(request.memberId, 'MemberId');
  } else if (epoch === JOIN_GROUP_MEMBER_EPOCH) {
    if (request.rebalanceTimeoutMs === -1) fail('INVALID_REQUEST', 'RebalanceTimeoutMs must be provided in first request.');
    if (request.topicPartitions === null || request.topicPartitions.length > 0) fail('INVALID_REQUEST', 'TopicPartitions must be empty when (re-)joining.');
    const hasNames = request.subscribedTopicNames !== null && request.subscribedTopicNames.length > 0;
    if (!hasNames && request.subscribedTopicRegex === null)
      fail('INVALID_REQUEST', 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
  } else if (epoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    notEmpty(request.memberId, 'MemberId');
    if (request.instanceId === null) fail('INVALID_REQUEST', "InstanceId can't be null.");
  } else {
    fail('INVALID_REQUEST', 'MemberEpoch is invalid.');
  }
  if (request.subscribedTopicRegex !== null && request.subscribedTopicRegex !== '') compileRegex(request.subscribedTopicRegex);
  if (request.serverAssignor !== null && !assignors.some((a) => a.name === request.serverAssignor)) {
    fail('UNSUPPORTED_ASSIGNOR', `ServerAssignor ${request.serverAssignor} is not supported. Supported assignors: ${assignors.map((a) => a.name).join(', ')}.`);
  }
}

/** Kafka 4.4's throwIfConsumerGroupMemberEpochIsInvalid: epoch 0 rejoins; the previous epoch is accepted while the member owns no more than it has. */
export function throwIfMemberEpochIsInvalid(member: ConsumerGroupMember, received: number, owned: Assignment | null): void {
  if (received === JOIN_GROUP_MEMBER_EPOCH) return;
  if (received > member.memberEpoch) {
    fail(
      'FENCED_MEMBER_EPOCH',
      `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
  if (received < member.memberEpoch && (received !== member.previousMemberEpoch || owned === null || !isSubsetOf(owned, member.assignedPartitions))) {
    fail(
      'FENCED_MEMBER_EPOCH',
      `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
}

export function compileRegex(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`, 'u');
  } catch (error) {
    return fail('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex ${regex} is not a valid regular expression: ${(error as Error).message}`);
  }
}

export function emptyToNull(value: string): string | null {
  return value === '' ? null : value;
}
