// The group coordinator for classic groups (JoinGroup / SyncGroup / Heartbeat / LeaveGroup),
// following Kafka's GroupMetadataManager rule for rule, with committed offsets kept by the
// OffsetManager (Kafka's OffsetMetadataManager) once a commit is validated against its group: MEMBER_ID_REQUIRED for new members (JoinGroup v4+), the initial rebalance delay, join and
// sync phases bounded by the rebalance timeout, members expired by their session timeout, the
// leader's assignment persisted before it is handed out. Groups and offsets live in the
// __consumer_offsets partition that owns the group; this node serves the groups of the partitions
// it leads, once their records are loaded.
import type { Logger } from '../logging/logger.js';
import { CONSUMER_PROTOCOL_TYPE, ErrorCode, encodeAssignment, subscriptionVersion } from '@kafka-chaos/protocol';
import type { Partition } from '../replication/partition.js';
import { ClassicGroup, ClassicGroupMember } from './classic-group.js';
import type { GroupState, JoinRequest, JoinResult, LeaveResult, SyncRequest, SyncResult } from './classic-group.js';
export type { JoinRequest, LeaveResult, SyncRequest } from './classic-group.js';
import { decodeCoordinatorKey, decodeGroupMetadataValue, groupMetadataKey, groupMetadataValue } from './coordinator-records.js';
import { subscribedTopics } from './consumer-subscription.js';
import { OffsetManager } from './offset-manager.js';
import type { CommitTopics, FetchedOffsets, PartitionResult } from './offset-manager.js';
import { asCoordinatorError } from '../coordinator/coordinator-log.js';
import { errorCodeOf } from '../errors/api-error.js';
import type { CoordinatorLog, CoordinatorRecord } from '../coordinator/coordinator-log.js';
import { partitionForKey } from '../coordinator/partitioner.js';
import { KeyedTimers } from '../coordinator/keyed-timers.js';
import { ConsumerGroupCoordinator } from './consumer-group-coordinator.js';
import type {
  ClassicGroupSnapshot,
  DowngradedGroup,
  CommitPartitionValidator,
  ConsumerGroupDescription,
  ConsumerGroupSettings,
  HeartbeatRequest,
  HeartbeatResult,
  SubscribableTopics,
} from './consumer-group-coordinator.js';
import { decodeConsumerGroupRecord, isConsumerGroupRecordType } from './consumer-group-records.js';

export interface GroupCoordinatorSettings {
  offsetsTopicPartitions: number;
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxGroupSize: number;
  offsetMetadataMaxBytes: number;
  /** KIP-848 groups (group.consumer.*). */
  consumer: ConsumerGroupSettings;
}

/** How long a member that joined in a rebalance may wait for it without heartbeating (Kafka's constant). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface MemberContext {
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

export interface OffsetDeleteResult {
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: CommitTopics;
}

export interface TxnOffsetCommitRequest {
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: OffsetCommitRequest['topics'];
}

export type { FetchedOffsets, PartitionResult } from './offset-manager.js';

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

type JoinCallback = (result: JoinResult) => void;

function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly offsets: OffsetManager;
  /** __consumer_offsets partitions led here whose records are loaded. */
  private readonly loaded = new Set<number>();
  private readonly loading = new Set<number>();
  private readonly timers = new KeyedTimers();
  /** KIP-848 consumer groups; a group id is either a classic group here or a consumer group there. */
  private readonly consumerGroups: ConsumerGroupCoordinator;

  constructor(
    private readonly settings: GroupCoordinatorSettings,
    private readonly log: CoordinatorLog,
    topics: SubscribableTopics,
    private readonly logger: Logger,
  ) {
    this.offsets = new OffsetManager({ offsetMetadataMaxBytes: settings.offsetMetadataMaxBytes, partitionFor: (groupId) => this.partitionFor(groupId) }, log);
    this.consumerGroups = new ConsumerGroupCoordinator(
      settings.consumer,
      log,
      topics,
      {
        isEmptyClassicGroup: (groupId) => {
          const group = this.groups.get(groupId);
          return group === undefined ? undefined : group.members.size === 0 && (group.is('Empty') || group.is('Dead'));
        },
        classicGroup: (groupId) => this.classicGroupSnapshot(groupId),
        dropClassicGroup: (groupId) => this.dropConvertedGroup(groupId),
        downgrade: (group) => this.downgradedGroup(group),
        isServing: (groupId) => this.coordinatorError(groupId) === ErrorCode.NONE,
        partitionFor: (groupId) => this.partitionFor(groupId),
      },
      logger,
    );
  }

  partitionFor(groupId: string): number {
    return partitionForKey(groupId, this.settings.offsetsTopicPartitions);
  }

  // ---- Online conversion between classic and consumer groups (the consumer side drives it) ----

  private classicGroupSnapshot(groupId: string): ClassicGroupSnapshot | undefined {
    const group = this.groups.get(groupId);
    if (group === undefined || group.members.size === 0) return undefined;
    return {
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        protocols: m.protocols,
        assignment: m.assignment,
      })),
    };
  }

  /** The group became a consumer group: members waiting in a rebalance are told to rejoin, which they now do there. */
  private dropConvertedGroup(groupId: string): void {
    const group = this.groups.get(groupId);
    this.timers.cancelPrefix(`${groupId}\0`);
    this.groups.delete(groupId);
    if (group === undefined) return;
    for (const member of group.members.values()) {
      member.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    group.state = 'Dead';
  }

  /**
   * Kafka's ClassicGroup.fromConsumerGroup: the classic group a downgraded consumer group becomes,
   * at its group epoch, each member holding its target assignment; once its record is written it
   * takes the group's place and rebalances, so that its members rejoin as a classic group.
   */
  private downgradedGroup(spec: DowngradedGroup): { record: CoordinatorRecord; adopt(): void } {
    const group = new ClassicGroup(spec.groupId);
    group.generationId = spec.generationId;
    for (const m of spec.members) {
      const protocols = m.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
      group.add(
        new ClassicGroupMember(m.memberId, m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, m.sessionTimeoutMs, CONSUMER_PROTOCOL_TYPE, protocols),
      );
    }
    const protocolName = group.selectProtocol();
    group.protocolName = protocolName;
    const assignment = new Map<string, Buffer>();
    for (const m of spec.members) {
      assignment.set(m.memberId, encodeAssignment(subscriptionVersion(group.member(m.memberId)!.metadataFor(protocolName)), m.targetPartitions));
    }
    for (const member of group.members.values()) member.assignment = assignment.get(member.memberId)!;
    group.state = 'Stable';
    return {
      record: this.groupRecord(group, assignment),
      adopt: () => {
        this.groups.set(group.groupId, group);
        for (const member of group.members.values()) this.rescheduleHeartbeat(group, member);
        this.prepareRebalance(group, `Downgrade group ${group.groupId} from consumer to classic.`);
      },
    };
  }

  /** NONE when this node serves the group now, else why not. */
  coordinatorError(groupId: string): number {
    const partition = this.partitionFor(groupId);
    if (this.loaded.has(partition)) return ErrorCode.NONE;
    return this.loading.has(partition) ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NOT_COORDINATOR;
  }

  // ---- Loading: this node starts or stops leading a partition of __consumer_offsets ----

  onLeadershipChange(partition: Partition, leading: boolean): void {
    if (leading) this.load(partition);
    else this.unload(partition.index);
  }

  private load(partition: Partition): void {
    const index = partition.index;
    this.loading.add(index);
    try {
      const groupMetadata = new Map<string, Buffer | null>();
      for (const batch of this.log.batches(partition)) {
        if (batch.kind === 'marker') {
          this.completeTransaction(index, batch.producerId, batch.commit);
          continue;
        }
        for (const record of batch.records) this.replayRecord(record, batch.transactionalProducerId, groupMetadata);
      }
      for (const [groupId, value] of groupMetadata) if (value !== null) this.groups.set(groupId, this.restoreGroup(groupId, value));
      this.consumerGroups.onLoaded(index);
      // Offsets committed outside group management belong to a "simple" group, which exists too.
      for (const groupId of this.offsets.groupIds()) {
        if (this.partitionFor(groupId) === index && !this.groups.has(groupId) && !this.consumerGroups.has(groupId))
          this.groups.set(groupId, new ClassicGroup(groupId));
      }
      this.loaded.add(index);
      this.logger.info(
        { partition: index, groups: [...this.groups.keys()].filter((g) => this.partitionFor(g) === index).length },
        'loaded group coordinator partition',
      );
    } finally {
      this.loading.delete(index);
    }
  }

  private replayRecord(record: CoordinatorRecord, transactionalProducerId: bigint | undefined, groupMetadata: Map<string, Buffer | null>): void {
    if (record.key.length >= 2 && isConsumerGroupRecordType(record.key.readInt16BE(0))) {
      const decoded = decodeConsumerGroupRecord(record.key, record.value);
      if (decoded !== undefined) this.consumerGroups.replay(decoded);
      return;
    }
    const key = decodeCoordinatorKey(record.key);
    if (key === undefined) return;
    // A group's tombstone leaves its offsets alone: deleting a group writes theirs too, and a group
    // that became a consumer group keeps them.
    if (key.type === 'offset') this.offsets.replay(key.group, key.topic, key.partition, record.value, transactionalProducerId);
    else groupMetadata.set(key.group, record.value);
  }

  /**
   * A transaction marker reached __consumer_offsets partition `index` (written there by the
   * transaction coordinator, or replayed from it): the producer's pending offsets for the groups of
   * that partition become committed, or are dropped; a group that only commits offsets then exists.
   */
  completeTransaction(index: number, producerId: bigint, commit: boolean): void {
    for (const groupId of this.offsets.completeTransaction(index, producerId, commit)) {
      if (this.loaded.has(index) && !this.groups.has(groupId)) this.groups.set(groupId, new ClassicGroup(groupId));
    }
  }

  /** Whether a transaction still holds offsets of this group (OffsetFetch's require_stable, KIP-447). */
  hasPendingTxnOffsets(groupId: string, topic: string, partition: number): boolean {
    return this.offsets.hasPending(groupId, topic, partition);
  }

  private restoreGroup(groupId: string, value: Buffer): ClassicGroup {
    const stored = decodeGroupMetadataValue(value);
    const group = new ClassicGroup(groupId);
    group.generationId = stored.generation;
    group.protocolType = stored.protocolType === '' ? null : stored.protocolType;
    group.protocolName = stored.protocol;
    for (const m of stored.members) {
      const protocols = stored.protocol === null ? [] : [{ name: stored.protocol, metadata: m.subscription }];
      const member = new ClassicGroupMember(
        m.memberId,
        m.groupInstanceId,
        m.clientId,
        m.clientHost,
        m.rebalanceTimeout,
        m.sessionTimeout,
        stored.protocolType,
        protocols,
      );
      member.assignment = m.assignment;
      group.add(member);
    }
    group.leaderId = stored.leader;
    if (group.members.size > 0) {
      group.state = 'Stable';
      for (const member of group.members.values()) this.rescheduleHeartbeat(group, member);
    }
    return group;
  }

  private unload(index: number): void {
    this.loaded.delete(index);
    this.consumerGroups.unload(index);
    for (const [groupId, group] of this.groups) {
      if (this.partitionFor(groupId) !== index) continue;
      this.timers.cancelPrefix(`${groupId}\0`);
      for (const member of group.members.values()) {
        member.completeJoin(joinError(ErrorCode.NOT_COORDINATOR, member.memberId));
        member.completeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
      group.state = 'Dead';
      this.groups.delete(groupId);
    }
    this.offsets.unload(index);
  }

  shutdown(): void {
    this.timers.cancelAll();
    this.consumerGroups.shutdown();
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) {
        member.completeJoin(joinError(ErrorCode.NOT_COORDINATOR, member.memberId));
        member.completeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

  // ---- JoinGroup ----

  joinGroup(context: MemberContext, request: JoinRequest): Promise<JoinResult> {
    const { groupId, memberId } = request;
    if (groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, memberId));
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return Promise.resolve(joinError(coordinatorError, memberId));
    if (request.sessionTimeoutMs < this.settings.minSessionTimeoutMs || request.sessionTimeoutMs > this.settings.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, memberId));
    }
    if (this.consumerGroups.has(groupId)) return this.joinConsumerGroupId(context, request);
    const isUnknownMember = memberId === '';
    let group = this.groups.get(groupId);
    if (group === undefined) {
      if (!isUnknownMember) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      group = new ClassicGroup(groupId);
      this.groups.set(groupId, group);
    }
    const target = group;
    return new Promise((resolve) => {
      if (!this.acceptJoiningMember(target, memberId)) {
        target.remove(memberId);
        resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
      } else if (isUnknownMember) {
        this.joinNewMember(context, request, target, resolve);
      } else {
        this.joinExistingMember(context, request, target, resolve);
      }
    });
  }

  /**
   * A classic member joins where a consumer group is: an empty one is deleted and the classic group
   * takes its place (Kafka's conversion of an empty group); one with members takes it as a member
   * using the classic protocol.
   */
  private async joinConsumerGroupId(context: MemberContext, request: JoinRequest): Promise<JoinResult> {
    const group = this.consumerGroups.group(request.groupId)!;
    if (group.members.size > 0) {
      // Classic members of a consumer group are assigned there; undefined: it emptied meanwhile.
      const joined = await this.consumerGroups.classicJoin(context, request);
      return joined ?? this.joinGroup(context, request);
    }
    try {
      await this.consumerGroups.deleteGroup(request.groupId);
    } catch (error) {
      return joinError(errorCodeOf(error), request.memberId);
    }
    this.logger.info({ group: request.groupId }, 'empty consumer group replaced by a classic group');
    return this.joinGroup(context, request);
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        const awaiting = [...group.members.values()].filter((m) => m.isAwaitingJoin).length;
        return (group.member(memberId)?.isAwaitingJoin ?? false) || awaiting < this.settings.maxGroupSize;
      }
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.members.size < this.settings.maxGroupSize;
    }
  }

  private joinNewMember(context: MemberContext, request: JoinRequest, group: ClassicGroup, resolve: JoinCallback): void {
    const protocolNames = request.protocols.map((p) => p.name);
    if (group.is('Dead')) return resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, ''));
    if (!group.supportsProtocols(request.protocolType, protocolNames)) return resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ''));
    const newMemberId = group.generateMemberId(context.clientId, request.groupInstanceId);
    if (request.groupInstanceId !== null) return this.joinNewStaticMember(context, request, group, newMemberId, resolve);
    if (context.apiVersion >= 4) {
      // KIP-394: the member must come back with this id, so a client retrying after a lost response does not leave a ghost member.
      group.pendingJoinMembers.add(newMemberId);
      this.timers.schedule(heartbeatKey(group.groupId, newMemberId), request.sessionTimeoutMs, () => this.expireHeartbeat(group.groupId, newMemberId));
      return resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
    }
    this.addMemberThenRebalanceOrCompleteJoin(context, request, group, newMemberId, resolve);
  }

  /**
   * KIP-345: a static member (group.instance.id) is never told MEMBER_ID_REQUIRED. When its
   * instance is already in the group (a restart), it takes the place of its old member id.
   */
  private joinNewStaticMember(context: MemberContext, request: JoinRequest, group: ClassicGroup, newMemberId: string, resolve: JoinCallback): void {
    const instanceId = request.groupInstanceId!;
    const existing = group.staticMemberId(instanceId);
    if (existing === undefined) {
      this.logger.info({ group: group.groupId, instance: instanceId, member: newMemberId, state: group.state }, 'static member joins');
      return this.addMemberThenRebalanceOrCompleteJoin(context, request, group, newMemberId, resolve);
    }
    this.logger.info(
      { group: group.groupId, instance: instanceId, from: existing, to: newMemberId, state: group.state },
      'static member joins again: its old member id is replaced',
    );
    this.updateStaticMemberThenRebalanceOrCompleteJoin(context, request, group, existing, newMemberId, resolve);
  }

  /**
   * Kafka's updateStaticMemberThenRebalanceOrCompleteJoin: in a Stable group whose selected
   * protocol stays, the returning instance gets the current generation without a rebalance (the
   * point of static membership) once the group is stored with its new member id; otherwise the
   * group rebalances (during CompletingRebalance always: the leader may be assigning to the old id).
   */
  private updateStaticMemberThenRebalanceOrCompleteJoin(
    context: MemberContext,
    request: JoinRequest,
    group: ClassicGroup,
    oldMemberId: string,
    newMemberId: string,
    resolve: JoinCallback,
  ): void {
    const instanceId = request.groupInstanceId!;
    const leaderBefore = group.leaderId ?? '';
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.timers.cancel(heartbeatKey(group.groupId, oldMemberId));
    this.rescheduleHeartbeat(group, member);
    const before = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, resolve);
    if (group.is('Stable')) {
      if (group.protocolName !== group.selectProtocol()) {
        return this.maybePrepareRebalanceOrCompleteJoin(group, `static member ${newMemberId} (instance ${instanceId}) changes the group's protocol`);
      }
      const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
      this.persistGroup(group, assignment).then(
        () => {
          const isLeader = group.isLeader(newMemberId);
          const skipAssignment = context.apiVersion >= 9;
          member.completeJoin({
            ...this.joinResponse(group, member, skipAssignment && isLeader),
            leader: skipAssignment ? (group.leaderId ?? '') : leaderBefore,
            skipAssignment: skipAssignment && isLeader,
          });
        },
        (error: unknown) => {
          this.logger.warn({ group: group.groupId, instance: instanceId, err: error }, 'failed to store the static member: back to its old member id');
          group.updateMember(member, before.protocols, before.rebalanceTimeoutMs, before.sessionTimeoutMs, () => {});
          const restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
          this.timers.cancel(heartbeatKey(group.groupId, newMemberId));
          this.rescheduleHeartbeat(group, restored);
          resolve({ ...joinError(asCoordinatorError(error).code, ''), generationId: group.generationId, leader: leaderBefore });
        },
      );
      return;
    }
    if (group.is('CompletingRebalance')) return this.prepareRebalance(group, `updating metadata for static member ${newMemberId} (instance ${instanceId})`);
    this.maybeCompleteJoinPhase(group);
  }

  private joinExistingMember(context: MemberContext, request: JoinRequest, group: ClassicGroup, resolve: JoinCallback): void {
    const { memberId } = request;
    if (group.is('Dead')) return resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
    if (
      !group.supportsProtocols(
        request.protocolType,
        request.protocols.map((p) => p.name),
      )
    ) {
      return resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }
    if (group.pendingJoinMembers.has(memberId)) return this.addMemberThenRebalanceOrCompleteJoin(context, request, group, memberId, resolve);
    const invalid = group.validateMember(memberId, request.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return resolve(joinError(invalid, memberId));
    const member = group.member(memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, resolve, `member ${memberId} is joining group during PreparingRebalance`);
      case 'CompletingRebalance':
        if (member.matches(request.protocols)) {
          // The member lost its JoinGroup response: give it the current generation again.
          return resolve(this.joinResponse(group, member, group.isLeader(memberId)));
        }
        return this.updateMemberThenRebalanceOrCompleteJoin(
          request,
          group,
          member,
          resolve,
          `updating metadata for member ${memberId} during CompletingRebalance`,
        );
      case 'Stable':
        if (group.isLeader(memberId)) {
          return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, resolve, `leader ${memberId} re-joining group during Stable`);
        }
        if (!member.matches(request.protocols)) {
          return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, resolve, `updating metadata for member ${memberId} during Stable`);
        }
        return resolve(this.joinResponse(group, member, false));
      default:
        return resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private joinResponse(group: ClassicGroup, member: ClassicGroupMember, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: withMembers ? group.joinedMembers() : [],
    };
  }

  private addMemberThenRebalanceOrCompleteJoin(
    context: MemberContext,
    request: JoinRequest,
    group: ClassicGroup,
    memberId: string,
    resolve: JoinCallback,
  ): void {
    const member = new ClassicGroupMember(
      memberId,
      request.groupInstanceId,
      context.clientId,
      context.clientHost,
      request.rebalanceTimeoutMs,
      request.sessionTimeoutMs,
      request.protocolType,
      request.protocols,
    );
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
    group.add(member, resolve);
    // A parked JoinGroup cannot heartbeat: new members get a generous timeout instead of their session.
    this.rescheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalanceOrCompleteJoin(group, `adding new member ${memberId}`);
  }

  private updateMemberThenRebalanceOrCompleteJoin(
    request: JoinRequest,
    group: ClassicGroup,
    member: ClassicGroupMember,
    resolve: JoinCallback,
    reason: string,
  ): void {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, resolve);
    this.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const initialRebalance = group.is('Empty');
    if (initialRebalance) {
      const delay = this.settings.initialRebalanceDelayMs;
      const remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      this.timers.schedule(joinKey(group.groupId), delay, () => this.tryCompleteInitialRebalance(group.groupId, delay, remaining));
    }
    group.transitionTo('PreparingRebalance');
    this.logger.info({ group: group.groupId, generation: group.generationId, reason }, 'preparing to rebalance group');
    if (!initialRebalance) this.maybeCompleteJoinElseSchedule(group);
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) this.completeJoin(group);
    else this.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoinById(group.groupId));
  }

  private tryCompleteInitialRebalance(groupId: string, delayMs: number, remainingMs: number): void {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const nextDelay = Math.min(this.settings.initialRebalanceDelayMs, remainingMs);
      const nextRemaining = Math.max(remainingMs - delayMs, 0);
      this.timers.schedule(joinKey(groupId), nextDelay, () => this.tryCompleteInitialRebalance(groupId, nextDelay, nextRemaining));
    } else {
      this.completeJoin(group);
    }
  }

  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    // The initial rebalance waits for its delay to pass.
    if (group.previousState === 'Empty') return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoinById(groupId: string): void {
    const group = this.groups.get(groupId);
    if (group !== undefined) this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    this.timers.cancel(joinKey(group.groupId));
    // A static member that did not rejoin keeps its place in the next generation (KIP-345); like
    // every member, it must then sync within the rebalance timeout.
    const dropped = group.notYetRejoinedMembers().filter((m) => m.groupInstanceId === null);
    for (const member of dropped) {
      member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      group.remove(member.memberId);
      this.timers.cancel(heartbeatKey(group.groupId, member.memberId));
    }
    if (dropped.length > 0) this.logger.info({ group: group.groupId, members: dropped.map((m) => m.memberId) }, 'removed members that did not rejoin');
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Nobody rejoined: wait again, until sessions expire the unresponsive members.
      this.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoinById(group.groupId));
      return;
    }
    group.initNextGeneration();
    if (group.is('Empty')) {
      this.logger.info({ group: group.groupId, generation: group.generationId }, 'group is now empty');
      this.persistGroup(group, new Map()).catch((error) => this.logger.warn({ group: group.groupId, err: error }, 'failed to store empty group metadata'));
      return;
    }
    this.logger.info({ group: group.groupId, generation: group.generationId, members: group.members.size, protocol: group.protocolName }, 'stabilized group');
    for (const member of group.members.values()) {
      member.completeJoin(this.joinResponse(group, member, group.isLeader(member.memberId)));
      this.rescheduleHeartbeat(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    const generation = group.generationId;
    this.timers.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(group.groupId, generation));
  }

  private expirePendingSync(groupId: string, generation: number): void {
    const group = this.groups.get(groupId);
    if (group === undefined || group.generationId !== generation) return;
    if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSyncMembers.size === 0) return;
    const missing = [...group.pendingSyncMembers];
    for (const memberId of missing) {
      group.remove(memberId);
      this.timers.cancel(heartbeatKey(groupId, memberId));
    }
    this.prepareRebalance(group, `removing ${missing.join(', ')} on pending sync request expiration`);
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.pendingSyncMembers.clear();
    this.timers.cancel(syncKey(group.groupId));
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = Buffer.alloc(0);
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const member of group.members.values()) {
      const completed = member.completeSync({
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // A session that lapsed while the member waited for its assignment starts again from here.
      if (completed) this.rescheduleHeartbeat(group, member);
    }
  }

  // ---- Heartbeats and session expiry ----

  private rescheduleHeartbeat(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    this.timers.schedule(heartbeatKey(group.groupId, member.memberId), timeoutMs, () => this.expireHeartbeat(group.groupId, member.memberId));
  }

  private expireHeartbeat(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return;
    if (group.pendingJoinMembers.has(memberId)) {
      group.remove(memberId);
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoin(group);
      return;
    }
    const member = group.member(memberId);
    if (member === undefined || member.hasSatisfiedHeartbeat()) return;
    this.logger.info({ group: groupId, member: memberId }, 'member failed to heartbeat within its session timeout, removing it');
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on heartbeat expiration`);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicGroupMember, reason: string): void {
    member.completeJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
    member.completeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, reason);
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoin(group);
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return ErrorCode.NONE; // as Kafka: loading groups answer heartbeats blindly
    if (coordinatorError !== ErrorCode.NONE) return coordinatorError;
    if (this.consumerGroups.has(groupId)) return this.consumerGroups.classicHeartbeat(groupId, memberId, groupInstanceId, generationId);
    const group = this.groups.get(groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const invalid = group.validateMember(memberId, groupInstanceId);
    if (invalid !== ErrorCode.NONE) return invalid;
    const member = group.member(memberId)!;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.rescheduleHeartbeat(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        this.rescheduleHeartbeat(group, member);
        return ErrorCode.NONE;
    }
  }

  // ---- SyncGroup ----

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    const { groupId, memberId } = request;
    if (groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return Promise.resolve(syncError(coordinatorError));
    if (this.consumerGroups.has(groupId)) return this.consumerGroups.classicSync(request);
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Empty')) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const invalid = group.validateMember(memberId, request.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(syncError(invalid));
    const member = group.member(memberId)!;
    if (request.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (isInconsistent(request.protocolType, group.protocolType) || isInconsistent(request.protocolName, group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.is('PreparingRebalance')) return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    if (group.is('Stable')) {
      this.removePendingSyncMember(group, memberId);
      return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
    }
    // CompletingRebalance: wait for the leader's assignment.
    return new Promise((resolve) => {
      member.awaitingSync = resolve;
      this.removePendingSyncMember(group, memberId);
      if (group.isLeader(memberId)) this.storeLeaderAssignment(group, request);
    });
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if ((group.is('CompletingRebalance') || group.is('Stable')) && group.pendingSyncMembers.size === 0) this.timers.cancel(syncKey(group.groupId));
  }

  private storeLeaderAssignment(group: ClassicGroup, request: SyncRequest): void {
    const assignment = new Map<string, Buffer>();
    for (const { memberId, assignment: bytes } of request.assignments) assignment.set(memberId, bytes);
    for (const memberId of group.members.keys()) if (!assignment.has(memberId)) assignment.set(memberId, Buffer.alloc(0));
    this.persistGroup(group, assignment).then(
      () => {
        if (!group.is('CompletingRebalance') || group.generationId !== request.generationId) return;
        for (const member of group.members.values()) member.assignment = assignment.get(member.memberId) ?? Buffer.alloc(0);
        this.propagateAssignment(group, ErrorCode.NONE);
        group.transitionTo('Stable');
      },
      (error: unknown) => {
        if (!group.is('CompletingRebalance') || group.generationId !== request.generationId) return;
        this.resetAndPropagateAssignmentWithError(group, asCoordinatorError(error).code);
        this.maybePrepareRebalanceOrCompleteJoin(group, 'error when storing group assignment during SyncGroup');
      },
    );
  }

  private persistGroup(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): Promise<void> {
    return this.log.append(this.partitionFor(group.groupId), [this.groupRecord(group, assignment)]);
  }

  private groupRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): CoordinatorRecord {
    const protocol = group.protocolName;
    const value = groupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.stateTimestamp),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? Buffer.alloc(0) : m.metadataFor(protocol),
        assignment: assignment.get(m.memberId) ?? Buffer.alloc(0),
      })),
    });
    return { key: groupMetadataKey(group.groupId), value };
  }

  // ---- LeaveGroup ----

  leaveGroup(groupId: string, members: readonly { memberId: string; groupInstanceId: string | null }[]): LeaveResult | Promise<LeaveResult> {
    const fail = (errorCode: number): LeaveResult => ({ errorCode, members: [] });
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return fail(coordinatorError);
    if (this.consumerGroups.has(groupId)) {
      return this.consumerGroups.classicLeave(groupId, members).catch((error: unknown) => fail(errorCodeOf(error)));
    }
    const group = this.groups.get(groupId);
    // As Kafka's coordinator service does, an unknown group is told member by member.
    if (group === undefined) return { errorCode: ErrorCode.NONE, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    if (group.is('Dead')) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const results = members.map(({ memberId, groupInstanceId }) => {
      let errorCode: number = ErrorCode.NONE;
      if (groupInstanceId !== null) {
        // KIP-345: a static member leaves by its instance id (what AdminClient's
        // removeMembersFromConsumerGroup sends), with or without its member id.
        const bound = group.staticMemberId(groupInstanceId);
        if (bound === undefined) errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        else if (memberId !== '' && memberId !== bound) errorCode = ErrorCode.FENCED_INSTANCE_ID;
        else this.removeLeavingMember(group, group.member(bound)!);
      } else if (memberId === '') errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      else if (group.pendingJoinMembers.has(memberId)) {
        group.remove(memberId);
        this.timers.cancel(heartbeatKey(groupId, memberId));
      } else {
        const member = group.member(memberId);
        if (member === undefined) errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        else this.removeLeavingMember(group, member);
      }
      return { memberId, groupInstanceId, errorCode };
    });
    if (results.some((r) => r.errorCode === ErrorCode.NONE)) {
      if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, 'explicit LeaveGroup request');
      else if (group.is('PreparingRebalance')) this.maybeCompleteJoinPhase(group);
    }
    return { errorCode: ErrorCode.NONE, members: results };
  }

  private removeLeavingMember(group: ClassicGroup, member: ClassicGroupMember): void {
    this.timers.cancel(heartbeatKey(group.groupId, member.memberId));
    this.logger.info({ group: group.groupId, member: member.memberId, instance: member.groupInstanceId }, 'member left the group');
    member.completeJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
    member.completeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
  }

  // ---- Committed offsets: validated against the group here, kept by the offset manager ----

  /**
   * OffsetCommit: the group checks (generation, member, state) apply to the whole request; the
   * result has an error per partition. Topics the caller found unknown are left out beforehand.
   */
  async commitOffsets(apiVersion: number, request: OffsetCommitRequest): Promise<Map<string, PartitionResult[]>> {
    const failAll = (errorCode: number) => everyPartitionFailed(request.topics, errorCode);
    const coordinatorError = this.coordinatorError(request.groupId);
    if (coordinatorError !== ErrorCode.NONE) return failAll(coordinatorError);
    if (this.consumerGroups.has(request.groupId)) return this.commitConsumerGroupOffsets(apiVersion, request);
    let group = this.groups.get(request.groupId);
    if (group === undefined) {
      if (request.generationId >= 0) return failAll(apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
      // Offsets committed without group management create a "simple" group, once something is stored.
      group = new ClassicGroup(request.groupId);
    }
    const validation = validateOffsetCommit(group, request);
    if (validation !== ErrorCode.NONE) return failAll(validation);
    const member = group.member(request.memberId);
    if (member !== undefined && (group.is('Stable') || group.is('PreparingRebalance'))) this.rescheduleHeartbeat(group, member);
    const { results, stored } = await this.offsets.commit(request.groupId, request.topics);
    if (stored && !this.groups.has(request.groupId)) this.groups.set(request.groupId, group);
    return results;
  }

  /**
   * TxnOffsetCommit: checked against the group as Kafka does for transactional commits (a member
   * or generation given must match), written as part of the producer's transaction, and pending
   * until its marker.
   */
  async commitTxnOffsets(request: TxnOffsetCommitRequest): Promise<Map<string, PartitionResult[]>> {
    const failAll = (errorCode: number) => everyPartitionFailed(request.topics, errorCode);
    const coordinatorError = this.coordinatorError(request.groupId);
    if (coordinatorError !== ErrorCode.NONE) return failAll(coordinatorError);
    if (this.consumerGroups.has(request.groupId)) {
      return this.commitConsumerGroupOffsets(-1, request, { producerId: request.producerId, producerEpoch: request.producerEpoch });
    }
    let group = this.groups.get(request.groupId);
    if (group === undefined) {
      // Only a commit without a generation may create the group (Kafka's "simple" group).
      if (request.generationId >= 0) return failAll(ErrorCode.ILLEGAL_GENERATION);
      group = new ClassicGroup(request.groupId);
    }
    const validation = validateOffsetCommit(group, request, true);
    if (validation !== ErrorCode.NONE) return failAll(validation);
    const { results, stored } = await this.offsets.commit(request.groupId, request.topics, {
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
    });
    if (stored && !this.groups.has(request.groupId)) this.groups.set(request.groupId, group);
    return results;
  }

  /**
   * A commit to a KIP-848 group: the generation is the member epoch, checked for the whole request
   * and (an older epoch) partition by partition.
   */
  private async commitConsumerGroupOffsets(
    apiVersion: number,
    request: OffsetCommitRequest,
    transaction?: { producerId: bigint; producerEpoch: number },
  ): Promise<Map<string, PartitionResult[]>> {
    const group = this.consumerGroups.group(request.groupId)!;
    let validator: CommitPartitionValidator;
    try {
      validator = this.consumerGroups.validateOffsetCommit(
        group,
        request.memberId,
        request.groupInstanceId,
        request.generationId,
        transaction !== undefined,
        apiVersion,
      );
    } catch (error) {
      return everyPartitionFailed(request.topics, errorCodeOf(error));
    }
    const refused = new Map<string, PartitionResult[]>();
    const accepted = request.topics
      .map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.filter((p) => {
          const errorCode = validator(topic.name, p.partitionIndex);
          if (errorCode !== ErrorCode.NONE) refused.set(topic.name, [...(refused.get(topic.name) ?? []), { partitionIndex: p.partitionIndex, errorCode }]);
          return errorCode === ErrorCode.NONE;
        }),
      }))
      .filter((topic) => topic.partitions.length > 0);
    const { results } = await this.offsets.commit(request.groupId, accepted, transaction);
    for (const [topic, partitions] of refused) results.set(topic, [...(results.get(topic) ?? []), ...partitions]);
    return results;
  }

  /**
   * OffsetFetch for some partitions, or for every partition with a committed offset (topics null);
   * with requireStable (v7+), partitions an open transaction holds answer UNSTABLE_OFFSET_COMMIT.
   */
  fetchOffsets(
    groupId: string,
    topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
    requireStable = false,
    member: { memberId: string | null; memberEpoch: number } = { memberId: null, memberEpoch: -1 },
  ): FetchedOffsets {
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return { errorCode: coordinatorError, topics: [] };
    const consumerGroup = this.consumerGroups.group(groupId);
    if (consumerGroup !== undefined) {
      const invalid = this.consumerGroups.validateOffsetFetch(consumerGroup, member.memberId, member.memberEpoch);
      if (invalid !== ErrorCode.NONE) return { errorCode: invalid, topics: [] };
      return this.offsets.fetch(groupId, topics, true, requireStable);
    }
    const group = this.groups.get(groupId);
    return this.offsets.fetch(groupId, topics, group !== undefined && !group.is('Dead'), requireStable);
  }

  /** Topics deleted from the cluster take their committed offsets with them. */
  async onTopicsDeleted(topics: ReadonlySet<string>): Promise<void> {
    const failures = await this.offsets.deleteTopics(topics, (groupId) => this.coordinatorError(groupId) === ErrorCode.NONE);
    for (const error of failures) this.logger.warn({ err: error }, 'failed to delete offsets of deleted topics');
  }

  // ---- KIP-848: ConsumerGroupHeartbeat and ConsumerGroupDescribe ----

  consumerGroupHeartbeat(context: MemberContext, request: HeartbeatRequest): Promise<HeartbeatResult> {
    const coordinatorError = this.coordinatorError(request.groupId);
    if (coordinatorError !== ErrorCode.NONE) {
      return Promise.resolve({ errorCode: coordinatorError, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    }
    return this.consumerGroups.heartbeat(context, request);
  }

  describeConsumerGroup(groupId: string): ConsumerGroupDescription {
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) {
      return { errorCode: coordinatorError, errorMessage: null, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] };
    }
    return this.consumerGroups.describe(groupId);
  }

  // ---- DescribeGroups, ListGroups, DeleteGroups ----

  describeGroup(groupId: string): GroupDescription {
    const described: GroupDescription = { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return { ...described, errorCode: coordinatorError, groupState: '' };
    const group = this.groups.get(groupId);
    if (group === undefined) return described;
    const stable = group.is('Stable') && group.protocolName !== null;
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? group.protocolName! : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(group.protocolName!) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): GroupListing[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((t) => t.toLowerCase()));
    const listings: GroupListing[] = [];
    if (types.size === 0 || types.has('consumer')) {
      for (const groupId of this.consumerGroups.groupIds()) {
        const state = this.consumerGroups.group(groupId)!.state();
        if (this.coordinatorError(groupId) !== ErrorCode.NONE) continue;
        if (states.size > 0 && !states.has(state.toLowerCase())) continue;
        listings.push({ groupId, protocolType: CONSUMER_PROTOCOL_TYPE, groupState: state, groupType: 'consumer' });
      }
    }
    if (types.size > 0 && !types.has('classic')) return listings;
    for (const group of this.groups.values()) {
      if (group.is('Dead') || this.coordinatorError(group.groupId) !== ErrorCode.NONE) continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      listings.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: 'classic' });
    }
    return listings;
  }

  async deleteGroup(groupId: string): Promise<number> {
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return coordinatorError;
    if (this.consumerGroups.has(groupId)) {
      try {
        await this.consumerGroups.deleteGroup(groupId, this.offsets.tombstones(groupId));
      } catch (error) {
        return errorCodeOf(error);
      }
      this.offsets.deleteGroup(groupId);
      return ErrorCode.NONE;
    }
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    const records: CoordinatorRecord[] = [...this.offsets.tombstones(groupId), { key: groupMetadataKey(groupId), value: null }];
    try {
      await this.log.append(this.partitionFor(groupId), records);
    } catch (error) {
      return asCoordinatorError(error).code;
    }
    // A member may have joined while the tombstones were written; the group then lives on.
    if (this.groups.get(groupId) === group && group.is('Empty')) {
      group.transitionTo('Dead');
      this.groups.delete(groupId);
      this.offsets.deleteGroup(groupId);
      this.timers.cancelPrefix(`${groupId}\0`);
    }
    return ErrorCode.NONE;
  }

  /**
   * OffsetDelete (KIP-496), as Kafka's OffsetMetadataManager.deleteOffsets: the offsets of an Empty
   * group, or of topics no member of a consumer-protocol group subscribes to, are deleted with
   * tombstones; partitions of subscribed topics are answered GROUP_SUBSCRIBED_TO_TOPIC. A group
   * with members of another protocol is NON_EMPTY_GROUP. A partition without an offset is answered
   * NONE, as by Kafka.
   */
  async deleteOffsets(groupId: string, topics: readonly { name: string; partitions: readonly number[] }[]): Promise<OffsetDeleteResult> {
    const fail = (errorCode: number): OffsetDeleteResult => ({ errorCode, topics: [] });
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const coordinatorError = this.coordinatorError(groupId);
    if (coordinatorError !== ErrorCode.NONE) return fail(coordinatorError);
    const consumerGroup = this.consumerGroups.group(groupId);
    const group = this.groups.get(groupId);
    if (consumerGroup === undefined && (group === undefined || group.is('Dead'))) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
    if (group !== undefined && !group.is('Empty') && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return fail(ErrorCode.NON_EMPTY_GROUP);
    const isSubscribed =
      consumerGroup !== undefined
        ? (topic: string) => this.consumerGroups.isSubscribedToTopic(consumerGroup, topic)
        : (topic: string) => subscribedTopics(group!)?.has(topic) ?? false;
    const stored = this.offsets.offsetsOf(groupId);
    const tombstones: { topic: string; partition: number }[] = [];
    const answer = topics.map((topic) => {
      const subscribed = isSubscribed(topic.name);
      return {
        name: topic.name,
        partitions: topic.partitions.map((partition) => {
          if (subscribed) return { partitionIndex: partition, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          if (stored.get(topic.name)?.has(partition)) tombstones.push({ topic: topic.name, partition });
          return { partitionIndex: partition, errorCode: ErrorCode.NONE };
        }),
      };
    });
    try {
      await this.offsets.deleteOffsets(groupId, tombstones);
    } catch (error) {
      return fail(asCoordinatorError(error).code);
    }
    return { errorCode: ErrorCode.NONE, topics: answer };
  }

  /** For logs and tests. */
  groupState(groupId: string): GroupState | undefined {
    return this.groups.get(groupId)?.state;
  }
}

/** The answer of a commit refused as a whole: the same error for every partition. */
function everyPartitionFailed(
  topics: readonly { name: string; partitions: readonly { partitionIndex: number }[] }[],
  errorCode: number,
): Map<string, PartitionResult[]> {
  return new Map(topics.map((topic) => [topic.name, topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode }))]));
}

/**
 * Kafka's ClassicGroup.validateOffsetCommit, for OffsetCommit and TxnOffsetCommit alike. A
 * transactional commit without member and generation (TxnOffsetCommit v0-2, what kafkajs sends) is
 * accepted whatever the group's state: it cannot be told from a member that has been expired, so
 * such a producer is fenced by its epoch only, never by the group.
 */
function validateOffsetCommit(
  group: ClassicGroup,
  request: Pick<OffsetCommitRequest, 'generationId' | 'memberId' | 'groupInstanceId'>,
  transactional = false,
): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  // Generation -1 comes from the admin client or a consumer managing its own partitions.
  if (request.generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
  if (request.generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null) {
    const invalid = group.validateMember(request.memberId, request.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return invalid;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!transactional && !group.is('Empty')) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  // Transactional offsets count only from the commit marker on, so a rebalance under way does not matter.
  if (!transactional && group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

function isInconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current;
}

function heartbeatKey(groupId: string, memberId: string): string {
  return `${groupId}\0heartbeat\0${memberId}`;
}

function joinKey(groupId: string): string {
  return `${groupId}\0join`;
}

function syncKey(groupId: string): string {
  return `${groupId}\0sync`;
}
