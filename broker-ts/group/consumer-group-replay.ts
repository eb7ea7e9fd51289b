// How a KIP-848 consumer group and its records map onto each other: the record values written for a
// member's metadata and assignment, the tombstones that remove a member or the whole group, and the
// replay that applies a record to a group. Writing then replaying through these is the only way a
// group changes, so a coordinator that loads the records has exactly the group that wrote them.
import type { CoordinatorRecord } from '../coordinator/coordinator-log.js';
import type { ConsumerGroup, ConsumerGroupMember } from './consumer-group.js';
import { MemberState, newMember, partitionKey, unassigned } from './consumer-group.js';
import { ConsumerGroupRecordType, consumerGroupTombstone } from './consumer-group-records.js';
import type { ConsumerGroupRecord, StoredTopicPartitions } from './consumer-group-records.js';
import type { Assignment } from './topic-partition-assignment.js';
import { assignmentFromList, assignmentToList } from './topic-partition-assignment.js';

/** Applies one record (not a group's tombstone) to the group it names. */
export function applyRecord(group: ConsumerGroup, record: ConsumerGroupRecord): void {
  switch (record.type) {
    case ConsumerGroupRecordType.GROUP_METADATA:
      if (record.value !== null) {
        group.groupEpoch = record.value.epoch;
        group.metadataHash = record.value.metadataHash;
      }
      return;
    case ConsumerGroupRecordType.PARTITION_METADATA:
      return;
    case ConsumerGroupRecordType.MEMBER_METADATA: {
      if (record.value === null) {
        group.removeMember(record.memberId);
        return;
      }
      const v = record.value;
      group.updateMember({
        ...(group.member(record.memberId) ?? newMember(record.memberId)),
        instanceId: v.instanceId,
        rackId: v.rackId,
        clientId: v.clientId,
        clientHost: v.clientHost,
        subscribedTopicNames: v.subscribedTopicNames,
        subscribedTopicRegex: v.subscribedTopicRegex,
        rebalanceTimeoutMs: v.rebalanceTimeoutMs,
        serverAssignor: v.serverAssignor,
        classicMemberMetadata: v.classicMemberMetadata,
      });
      return;
    }
    case ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA:
      if (record.value !== null) group.assignmentEpoch = record.value.assignmentEpoch;
      return;
    case ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER:
      group.setTargetAssignment(record.memberId, record.value === null ? null : assignmentFromList(record.value));
      return;
    case ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT: {
      const member = group.member(record.memberId) ?? newMember(record.memberId);
      if (record.value === null) {
        if (group.members.has(record.memberId)) group.updateMember({ ...member, ...unassigned() });
        return;
      }
      const v = record.value;
      const assigned = assignmentFromList(v.assignedPartitions);
      const pending = assignmentFromList(v.partitionsPendingRevocation);
      group.updateMember({
        ...member,
        memberEpoch: v.memberEpoch,
        previousMemberEpoch: v.previousMemberEpoch,
        state: knownState(v.state),
        assignedPartitions: assigned,
        partitionsPendingRevocation: pending,
        assignmentEpochs: storedEpochs([...v.assignedPartitions, ...v.partitionsPendingRevocation], v.memberEpoch),
      });
      return;
    }
  }
}

export function removeMemberRecords(groupId: string, memberId: string): CoordinatorRecord[] {
  return [
    consumerGroupTombstone(ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT, groupId, memberId),
    consumerGroupTombstone(ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER, groupId, memberId),
    consumerGroupTombstone(ConsumerGroupRecordType.MEMBER_METADATA, groupId, memberId),
  ];
}

export function metadataValue(member: ConsumerGroupMember) {
  return {
    instanceId: member.instanceId,
    rackId: member.rackId,
    clientId: member.clientId,
    clientHost: member.clientHost,
    subscribedTopicNames: [...member.subscribedTopicNames],
    subscribedTopicRegex: member.subscribedTopicRegex,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    serverAssignor: member.serverAssignor,
    classicMemberMetadata:
      member.classicMemberMetadata === null
        ? null
        : {
            sessionTimeoutMs: member.classicMemberMetadata.sessionTimeoutMs,
            supportedProtocols: member.classicMemberMetadata.supportedProtocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          },
  };
}

export function assignmentValue(member: ConsumerGroupMember) {
  const withEpochs = (assignment: Assignment): StoredTopicPartitions[] =>
    assignmentToList(assignment).map(({ topicId, partitions }) => ({
      topicId,
      partitions,
      assignmentEpochs: partitions.map((p) => member.assignmentEpochs.get(partitionKey(topicId, p)) ?? member.memberEpoch),
    }));
  return {
    memberEpoch: member.memberEpoch,
    previousMemberEpoch: member.previousMemberEpoch,
    state: member.state,
    assignedPartitions: withEpochs(member.assignedPartitions),
    partitionsPendingRevocation: withEpochs(member.partitionsPendingRevocation),
  };
}

export function storedList(assignment: Assignment): StoredTopicPartitions[] {
  return assignmentToList(assignment).map((tp) => ({ ...tp, assignmentEpochs: null }));
}

/** Records written before assignment epochs were kept count every partition as held since the member's epoch. */
export function storedEpochs(lists: readonly StoredTopicPartitions[], memberEpoch: number): Map<string, number> {
  const epochs = new Map<string, number>();
  for (const { topicId, partitions, assignmentEpochs } of lists) {
    partitions.forEach((p, i) => epochs.set(partitionKey(topicId, p), assignmentEpochs?.[i] ?? memberEpoch));
  }
  return epochs;
}

export function knownState(state: number): MemberState {
  return state === MemberState.STABLE || state === MemberState.UNREVOKED_PARTITIONS || state === MemberState.UNRELEASED_PARTITIONS
    ? state
    : MemberState.UNKNOWN;
}

/** Every record of the group deleted (Kafka's createGroupTombstoneRecords), for a downgrade. */
export function groupTombstoneRecords(group: ConsumerGroup): CoordinatorRecord[] {
  const records: CoordinatorRecord[] = [];
  for (const memberId of group.members.keys()) records.push(...removeMemberRecords(group.groupId, memberId));
  records.push(
    consumerGroupTombstone(ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA, group.groupId),
    consumerGroupTombstone(ConsumerGroupRecordType.PARTITION_METADATA, group.groupId),
    consumerGroupTombstone(ConsumerGroupRecordType.GROUP_METADATA, group.groupId),
  );
  return records;
}
