// A KIP-848 consumer group, as Kafka's ConsumerGroup keeps it: the group epoch (bumped when a
// subscription or the subscribed topics change), the target assignment and its epoch (computed by
// the server-side assignor for a group epoch), and each member's current assignment with its own
// epoch. A member reaches the target epoch once it has revoked what it must give up; a partition
// still owned (or pending revocation) by one member is not handed to another before that. The state
// here is only ever changed by replaying records, so a coordinator that loads the group from
// __consumer_offsets has exactly what the previous one had.
import type { Assignment } from './topic-partition-assignment.js';
import { EMPTY_ASSIGNMENT, assignedPartitions, assignmentsEqual } from './topic-partition-assignment.js';

/** Kafka's MemberState values, as stored in ConsumerGroupCurrentMemberAssignmentValue. */
export const MemberState = { STABLE: 0, UNREVOKED_PARTITIONS: 1, UNRELEASED_PARTITIONS: 2, UNKNOWN: 127 } as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

/** The epoch a member sends to join, to leave, and (static members) to leave for a while. */
export const JOIN_GROUP_MEMBER_EPOCH = 0;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/** What a member using the classic protocol (JoinGroup, SyncGroup, Heartbeat) brought: Kafka's ClassicMemberMetadata. */
export interface ClassicMemberMetadata {
  readonly sessionTimeoutMs: number;
  readonly supportedProtocols: readonly { readonly name: string; readonly metadata: Buffer }[];
}

export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: readonly string[];
  readonly subscribedTopicRegex: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly serverAssignor: string | null;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly assignedPartitions: Assignment;
  readonly partitionsPendingRevocation: Assignment;
  /**
   * The epoch at which the member got each partition it holds (assigned or pending revocation), by
   * partitionKey: Kafka 4.4 accepts an offset commit from an older member epoch for a partition the
   * member already had then.
   */
  readonly assignmentEpochs: ReadonlyMap<string, number>;
  /** Set for a member of a classic group converted online, or one that joined with JoinGroup. */
  readonly classicMemberMetadata: ClassicMemberMetadata | null;
}

export function usesClassicProtocol(member: ConsumerGroupMember): boolean {
  return member.classicMemberMetadata !== null;
}

export function partitionKey(topicId: string, partition: number): string {
  return `${topicId}:${partition}`;
}

export function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: -1,
    serverAssignor: null,
    classicMemberMetadata: null,
    ...unassigned(),
  };
}

/** The assignment state of a member that holds nothing: a new one, or one whose assignment record was deleted. */
export function unassigned(): Pick<
  ConsumerGroupMember,
  'memberEpoch' | 'previousMemberEpoch' | 'state' | 'assignedPartitions' | 'partitionsPendingRevocation' | 'assignmentEpochs'
> {
  return {
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    assignedPartitions: EMPTY_ASSIGNMENT,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
    assignmentEpochs: new Map(),
  };
}

export function sameSubscription(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.serverAssignor === b.serverAssignor &&
    a.subscribedTopicNames.length === b.subscribedTopicNames.length &&
    a.subscribedTopicNames.every((name, i) => name === b.subscribedTopicNames[i])
  );
}

/** What ConsumerGroupMemberMetadataValue holds. */
export function sameMetadata(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    sameSubscription(a, b) &&
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    sameClassicMetadata(a.classicMemberMetadata, b.classicMemberMetadata)
  );
}

function sameClassicMetadata(a: ClassicMemberMetadata | null, b: ClassicMemberMetadata | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.sessionTimeoutMs === b.sessionTimeoutMs &&
    a.supportedProtocols.length === b.supportedProtocols.length &&
    a.supportedProtocols.every((p, i) => p.name === b.supportedProtocols[i]!.name && p.metadata.equals(b.supportedProtocols[i]!.metadata))
  );
}

/** What ConsumerGroupCurrentMemberAssignmentValue holds. */
export function sameAssignmentState(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    assignmentsEqual(a.assignedPartitions, b.assignedPartitions) &&
    assignmentsEqual(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  );
}

export function isReconciledTo(member: ConsumerGroupMember, targetAssignmentEpoch: number): boolean {
  return member.state === MemberState.STABLE && member.memberEpoch === targetAssignmentEpoch;
}

/** Kafka's ConsumerGroup states, as ListGroups and ConsumerGroupDescribe name them. */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

export class ConsumerGroup {
  groupEpoch = 0;
  /** The hash of the subscribed topics' metadata the group epoch was computed for. */
  metadataHash = 0n;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly targetAssignments = new Map<string, Assignment>();
  /** topicId -> partition -> the epoch of the member holding it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();

  constructor(readonly groupId: string) {}

  state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const member of this.members.values()) if (!isReconciledTo(member, this.assignmentEpoch)) return 'Reconciling';
    return 'Stable';
  }

  member(memberId: string): ConsumerGroupMember | undefined {
    return this.members.get(memberId);
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const memberId = this.staticMembers.get(instanceId);
    return memberId === undefined ? undefined : this.members.get(memberId);
  }

  targetAssignment(memberId: string): Assignment {
    return this.targetAssignments.get(memberId) ?? EMPTY_ASSIGNMENT;
  }

  /** -1 when no member holds the partition. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /**
   * Whether a member still misses a partition of its target that another member holds (Kafka's
   * waitingOnUnreleasedPartition): a classic member waiting for it is told to rejoin only once it is free.
   */
  waitingOnUnreleasedPartition(member: ConsumerGroupMember): boolean {
    if (member.state !== MemberState.UNRELEASED_PARTITIONS) return false;
    for (const [topicId, partitions] of this.targetAssignment(member.memberId)) {
      const assigned = member.assignedPartitions.get(topicId);
      for (const partition of partitions) if (!(assigned?.has(partition) ?? false) && this.currentPartitionEpoch(topicId, partition) !== -1) return true;
    }
    return false;
  }

  /** Every topic some member subscribes to by name. */
  subscribedTopicNames(): Set<string> {
    const names = new Set<string>();
    for (const member of this.members.values()) for (const name of member.subscribedTopicNames) names.add(name);
    return names;
  }

  /** Whether every member but `except` joined with the classic protocol (Kafka's allMembersUseClassicProtocolExcept). */
  allMembersUseClassicProtocolExcept(except: string): boolean {
    for (const member of this.members.values()) if (member.memberId !== except && !usesClassicProtocol(member)) return false;
    return true;
  }

  /**
   * Whether a classic member with these protocols may join: the consumer protocol type, and a
   * protocol every classic member already here supports (Kafka's supportsClassicProtocols).
   */
  supportsClassicProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (protocolType !== 'consumer' || protocolNames.length === 0) return false;
    const classic = [...this.members.values()].filter(usesClassicProtocol);
    return protocolNames.some((name) => classic.every((m) => m.classicMemberMetadata!.supportedProtocols.some((p) => p.name === name)));
  }

  subscribedRegexes(): Set<string> {
    const regexes = new Set<string>();
    for (const member of this.members.values()) if (member.subscribedTopicRegex !== null) regexes.add(member.subscribedTopicRegex);
    return regexes;
  }

  // ---- Replay: the only way the group changes ----

  updateMember(member: ConsumerGroupMember): void {
    const previous = this.members.get(member.memberId);
    if (previous !== undefined) {
      this.removePartitionEpochs(previous);
      if (previous.instanceId !== null && previous.instanceId !== member.instanceId) this.staticMembers.delete(previous.instanceId);
    }
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    this.addPartitionEpochs(member);
  }

  removeMember(memberId: string): void {
    const member = this.members.get(memberId);
    if (member === undefined) return;
    this.removePartitionEpochs(member);
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId) this.staticMembers.delete(member.instanceId);
    this.members.delete(memberId);
  }

  setTargetAssignment(memberId: string, assignment: Assignment | null): void {
    if (assignment === null) this.targetAssignments.delete(memberId);
    else this.targetAssignments.set(memberId, assignment);
  }

  private addPartitionEpochs(member: ConsumerGroupMember): void {
    for (const assignment of [member.assignedPartitions, member.partitionsPendingRevocation]) {
      for (const { topicId, partition } of assignedPartitions(assignment)) {
        let epochs = this.partitionEpochs.get(topicId);
        if (epochs === undefined) this.partitionEpochs.set(topicId, (epochs = new Map()));
        epochs.set(partition, member.memberEpoch);
      }
    }
  }

  private removePartitionEpochs(member: ConsumerGroupMember): void {
    for (const assignment of [member.assignedPartitions, member.partitionsPendingRevocation]) {
      for (const { topicId, partition } of assignedPartitions(assignment)) {
        const epochs = this.partitionEpochs.get(topicId);
        // A partition another member took over in the meantime is not this member's to release.
        if (epochs?.get(partition) === member.memberEpoch) epochs.delete(partition);
      }
    }
  }
}
