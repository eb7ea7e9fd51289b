// A group of the classic rebalance protocol (JoinGroup/SyncGroup), after Kafka's ClassicGroup and
// ClassicGroupMember: members with their protocols, the generation, the leader, the selected
// protocol and the state machine Empty -> PreparingRebalance -> CompletingRebalance -> Stable.
// The rules that drive it (when to rebalance, when the join phase completes) live in the
// coordinator; this file holds the state and the questions asked of it.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@kafka-chaos/protocol';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS_STATES: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  /** v9+: the leader is told its assignment stands (a static leader replaced in a stable group). */
  skipAssignment?: boolean;
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

const EMPTY_ASSIGNMENT = Buffer.alloc(0);

export class ClassicGroupMember {
  assignment: Buffer = EMPTY_ASSIGNMENT;
  /** Set while a JoinGroup request of this member waits for the join phase to complete. */
  awaitingJoin: ((result: JoinResult) => void) | undefined;
  /** Set while a SyncGroup request of this member waits for the leader's assignment. */
  awaitingSync: ((result: SyncResult) => void) | undefined;
  /** Joined in the current rebalance: its session does not protect it until the join phase ends. */
  isNew = false;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: GroupProtocol[],
  ) {}

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== undefined;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== undefined;
  }

  /** A member busy in a rebalance keeps its session without heartbeats, unless it is new. */
  hasSatisfiedHeartbeat(): boolean {
    return !this.isNew && (this.isAwaitingJoin || this.isAwaitingSync);
  }

  /** Same protocols, same metadata, same order. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
    );
  }

  metadataFor(protocolName: string): Buffer {
    const protocol = this.protocols.find((p) => p.name === protocolName);
    if (protocol === undefined) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return protocol.metadata;
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (choice === undefined) throw new Error(`member ${this.memberId} does not support any of the candidate protocols`);
    return choice.name;
  }

  completeJoin(result: JoinResult): boolean {
    const callback = this.awaitingJoin;
    if (callback === undefined) return false;
    this.awaitingJoin = undefined;
    callback(result);
    return true;
  }

  completeSync(result: SyncResult): boolean {
    const callback = this.awaitingSync;
    if (callback === undefined) return false;
    this.awaitingSync = undefined;
    callback(result);
    return true;
  }
}

export class ClassicGroup {
  state: GroupState = 'Empty';
  previousState: GroupState | undefined;
  stateTimestamp = Date.now();
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicGroupMember>();
  /** Told MEMBER_ID_REQUIRED and expected back with that id. */
  readonly pendingJoinMembers = new Set<string>();
  /** Given a JoinGroup response of the current generation and expected to send SyncGroup. */
  readonly pendingSyncMembers = new Set<string>();
  /** A member joined during the initial rebalance delay, which then extends. */
  newMemberAdded = false;
  private readonly supportedProtocols = new Map<string, number>();

  constructor(readonly groupId: string) {}

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.state)) {
      throw new Error(`group ${this.groupId} cannot go from ${this.state} to ${state}`);
    }
    this.previousState = this.state;
    this.state = state;
    this.stateTimestamp = Date.now();
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.state);
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** A static member's id starts with its group.instance.id, a dynamic member's with its client id. */
  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}-${randomUUID()}`;
  }

  /** The member id a group.instance.id (KIP-345) is bound to. */
  staticMemberId(groupInstanceId: string): string | undefined {
    for (const member of this.members.values()) if (member.groupInstanceId === groupInstanceId) return member.memberId;
    return undefined;
  }

  /**
   * Kafka's ClassicGroup.validateMember: a request naming a group.instance.id must come from the
   * member id bound to it (FENCED_INSTANCE_ID otherwise: an older incarnation of that instance).
   */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const bound = this.staticMemberId(groupInstanceId);
      if (bound === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      return bound === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
    }
    return this.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /**
   * A static member that joined again without its member id takes `newMemberId`, keeping its
   * assignment and its place as leader; a request the old id still has parked is answered
   * FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const old = this.members.get(oldMemberId);
    if (old === undefined) throw new Error(`group ${this.groupId} has no member ${oldMemberId} for instance ${groupInstanceId}`);
    const wasLeader = this.isLeader(oldMemberId);
    old.completeJoin({
      errorCode: ErrorCode.FENCED_INSTANCE_ID,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      memberId: oldMemberId,
      members: [],
    });
    old.completeSync({ errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT });
    this.remove(oldMemberId);
    const replacement = new ClassicGroupMember(
      newMemberId,
      groupInstanceId,
      old.clientId,
      old.clientHost,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
    );
    replacement.assignment = old.assignment;
    this.add(replacement);
    if (wasLeader) this.leaderId = newMemberId;
    return replacement;
  }

  add(member: ClassicGroupMember, onJoin?: (result: JoinResult) => void): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    for (const protocol of member.protocols) this.supportedProtocols.set(protocol.name, (this.supportedProtocols.get(protocol.name) ?? 0) + 1);
    member.awaitingJoin = onJoin;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      for (const protocol of member.protocols) this.supportedProtocols.set(protocol.name, (this.supportedProtocols.get(protocol.name) ?? 1) - 1);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  updateMember(
    member: ClassicGroupMember,
    protocols: GroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    onJoin: (result: JoinResult) => void,
  ): void {
    for (const protocol of member.protocols) this.supportedProtocols.set(protocol.name, (this.supportedProtocols.get(protocol.name) ?? 1) - 1);
    member.protocols = protocols;
    for (const protocol of protocols) this.supportedProtocols.set(protocol.name, (this.supportedProtocols.get(protocol.name) ?? 0) + 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    member.awaitingJoin = onJoin;
  }

  /** Every member has sent its JoinGroup for this rebalance and nobody told MEMBER_ID_REQUIRED is still expected. */
  hasAllMembersJoined(): boolean {
    for (const member of this.members.values()) if (!member.isAwaitingJoin) return false;
    return this.pendingJoinMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicGroupMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** The longest rebalance timeout of the members bounds how long a join phase may take. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /** Keeps the leader if it rejoined, else picks a member that did; false when nobody rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** Whether a member with these protocols could join: same protocol type, one protocol every member supports. */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocolNames.length > 0;
    return this.protocolType === protocolType && protocolNames.some((name) => this.supportedProtocols.get(name) === this.members.size);
  }

  /** The protocol every member supports with the most first-choice votes. */
  selectProtocol(): string {
    const candidates = new Set([...this.supportedProtocols].filter(([, count]) => count === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [name, count] of votes) if (best === undefined || count > votes.get(best)!) best = name;
    if (best === undefined) throw new Error(`group ${this.groupId} has no protocol all members support`);
    return best;
  }

  initNextGeneration(): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.transitionTo('Empty');
    }
    this.pendingSyncMembers.clear();
  }

  /** The member list the leader assigns partitions from. */
  joinedMembers(): JoinResult['members'] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(this.protocolName!),
    }));
  }
}
