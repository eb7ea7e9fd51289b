// One step of a member's reconciliation towards its target assignment, after Kafka's
// CurrentAssignmentBuilder. A member keeps what it owns of the target; what it owns outside the
// target must be revoked first (it stays at its epoch, UNREVOKED_PARTITIONS, until a heartbeat no
// longer lists those partitions); then it moves to the target epoch and gets the target's other
// partitions, except those another member still holds (UNRELEASED_PARTITIONS until they are free).
import { MemberState } from './consumer-group.js';
import { partitionKey } from './consumer-group.js';
import type { ConsumerGroupMember } from './consumer-group.js';
import type { Assignment } from './topic-partition-assignment.js';
import { EMPTY_ASSIGNMENT, intersects } from './topic-partition-assignment.js';

export interface ReconcileInput {
  targetAssignmentEpoch: number;
  targetAssignment: Assignment;
  /** The epoch of the member holding a partition, -1 when it is free. */
  currentPartitionEpoch(topicId: string, partition: number): number;
  /** The partitions the heartbeat says the member owns; null when it did not say. */
  ownedTopicPartitions: Assignment | null;
}

export class FencedMemberError extends Error {
  override readonly name = 'FencedMemberError';
}

export function reconcile(member: ConsumerGroupMember, input: ReconcileInput): ConsumerGroupMember {
  switch (member.state) {
    case MemberState.STABLE:
      return member.memberEpoch !== input.targetAssignmentEpoch ? computeNextAssignment(member, member.memberEpoch, input) : member;
    case MemberState.UNREVOKED_PARTITIONS:
      if (ownsAnyOf(input.ownedTopicPartitions, member.partitionsPendingRevocation)) return member;
      return computeNextAssignment(member, member.memberEpoch + 1, input);
    case MemberState.UNRELEASED_PARTITIONS:
      return computeNextAssignment(member, member.memberEpoch, input);
    default:
      // A state a newer coordinator wrote: start the member again from nothing.
      if (input.ownedTopicPartitions === null || input.ownedTopicPartitions.size > 0) {
        throw new FencedMemberError('The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.');
      }
      return computeNextAssignment(member, input.targetAssignmentEpoch, input);
  }
}

/** Unknown ownership counts as still owning (Kafka's ownsRevokedPartitions). */
function ownsAnyOf(owned: Assignment | null, partitions: Assignment): boolean {
  return owned === null || intersects(owned, partitions);
}

function computeNextAssignment(member: ConsumerGroupMember, memberEpoch: number, input: ReconcileInput): ConsumerGroupMember {
  const { targetAssignment, targetAssignmentEpoch } = input;
  let hasUnreleasedPartitions = false;
  const assigned = new Map<string, Set<number>>();
  const pendingRevocation = new Map<string, Set<number>>();
  const pendingAssignment = new Map<string, Set<number>>();
  for (const topicId of new Set([...targetAssignment.keys(), ...member.assignedPartitions.keys()])) {
    const target = targetAssignment.get(topicId) ?? new Set<number>();
    const current = member.assignedPartitions.get(topicId) ?? new Set<number>();
    const kept = new Set([...current].filter((p) => target.has(p)));
    const revoked = new Set([...current].filter((p) => !kept.has(p)));
    const toAssign = new Set<number>();
    for (const p of target) {
      if (kept.has(p)) continue;
      if (input.currentPartitionEpoch(topicId, p) !== -1) hasUnreleasedPartitions = true;
      else toAssign.add(p);
    }
    if (kept.size > 0) assigned.set(topicId, kept);
    if (revoked.size > 0) pendingRevocation.set(topicId, revoked);
    if (toAssign.size > 0) pendingAssignment.set(topicId, toAssign);
  }

  if (pendingRevocation.size > 0 && ownsAnyOf(input.ownedTopicPartitions, pendingRevocation)) {
    return {
      ...member,
      state: MemberState.UNREVOKED_PARTITIONS,
      ...withEpoch(member, memberEpoch),
      assignedPartitions: assigned,
      partitionsPendingRevocation: pendingRevocation,
      assignmentEpochs: keptEpochs(member, [assigned, pendingRevocation], memberEpoch),
    };
  }
  for (const [topicId, partitions] of pendingAssignment) {
    const set = assigned.get(topicId) ?? new Set<number>();
    for (const p of partitions) set.add(p);
    assigned.set(topicId, set);
  }
  return {
    ...member,
    state: hasUnreleasedPartitions ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    ...withEpoch(member, targetAssignmentEpoch),
    assignedPartitions: assigned,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
    assignmentEpochs: keptEpochs(member, [assigned], targetAssignmentEpoch),
  };
}

/** A partition the member held keeps the epoch it got it at; a new one is got at `epoch`. */
function keptEpochs(member: ConsumerGroupMember, held: readonly Assignment[], epoch: number): Map<string, number> {
  const epochs = new Map<string, number>();
  for (const assignment of held) {
    for (const [topicId, partitions] of assignment) {
      for (const p of partitions) {
        const key = partitionKey(topicId, p);
        epochs.set(key, member.assignmentEpochs.get(key) ?? epoch);
      }
    }
  }
  return epochs;
}

/** Kafka's updateMemberEpoch: the previous epoch is the one the member had. */
function withEpoch(member: ConsumerGroupMember, memberEpoch: number): Pick<ConsumerGroupMember, 'memberEpoch' | 'previousMemberEpoch'> {
  return { memberEpoch, previousMemberEpoch: member.memberEpoch };
}
