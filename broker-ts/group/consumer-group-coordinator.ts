// The KIP-848 side of the group coordinator (Kafka's GroupMetadataManager for consumer groups):
// ConsumerGroupHeartbeat joins, heartbeats and leaves; the group epoch is bumped when a
// subscription or the subscribed topics change; the server-side assignor computes the target
// assignment of a new group epoch; each member is reconciled towards its target a step per
// heartbeat (revoking before anything moves); members are fenced when their session or their
// rebalance timeout expires. Every change is a list of records written to the group's
// __consumer_offsets partition first and applied by replaying them, the same replay that loads the
// groups when this node becomes the partition's leader. Operations on one group run one at a time.
import { createHash } from 'node:crypto';
import { CONSUMER_PROTOCOL_TYPE, ErrorCode, decodeAssignment, decodeSubscription, encodeAssignment, subscriptionVersion } from '@kafka-chaos/protocol';
import type { TopicPartitionsByName } from '@kafka-chaos/protocol';
import type { Logger } from '../logging/logger.js';
import { ApiError, errorCodeOf, errorMessageOf } from '../errors/api-error.js';
import { asCoordinatorError } from '../coordinator/coordinator-log.js';
import type { CoordinatorLog, CoordinatorRecord } from '../coordinator/coordinator-log.js';
import { KeyedTimers } from '../coordinator/keyed-timers.js';
import { randomKafkaUuid } from '../metadata/kafka-uuid.js';
import { isInternalTopic } from '../metadata/topic-names.js';
import type { ServerAssignor } from './assignors/assignor.js';
import { allowsDowngrade, allowsUpgrade } from './migration-policy.js';
import type { MigrationPolicy } from './migration-policy.js';
import {
  ConsumerGroup,
  JOIN_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
  isReconciledTo,
  newMember,
  partitionKey,
  sameAssignmentState,
  sameMetadata,
  sameSubscription,
  usesClassicProtocol,
} from './consumer-group.js';
import type { GroupProtocol, JoinRequest, JoinResult, LeaveResult, SyncRequest, SyncResult } from './classic-group.js';
import type { ConsumerGroupMember } from './consumer-group.js';
import {
  ConsumerGroupRecordType,
  currentAssignmentRecord,
  decodeConsumerGroupRecord,
  groupEpochRecord,
  memberMetadataRecord,
  targetAssignmentEpochRecord,
  targetAssignmentMemberRecord,
} from './consumer-group-records.js';
import type { ConsumerGroupRecord } from './consumer-group-records.js';
import { groupMetadataKey } from './coordinator-records.js';
import { FencedMemberError, reconcile } from './current-assignment.js';
import { applyRecord, assignmentValue, groupTombstoneRecords, metadataValue, removeMemberRecords, storedList } from './consumer-group-replay.js';
import { compileRegex, emptyToNull, throwIfMemberEpochIsInvalid, validateHeartbeat } from './consumer-group-heartbeat-checks.js';
import type { HeartbeatRequest } from './consumer-group-heartbeat-checks.js';
export type { HeartbeatRequest } from './consumer-group-heartbeat-checks.js';
import type { Assignment } from './topic-partition-assignment.js';
import { EMPTY_ASSIGNMENT, assignmentFromList, assignmentToList, assignmentsEqual } from './topic-partition-assignment.js';

export interface ConsumerGroupSettings {
  /** group.consumer.session.timeout.ms */
  sessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  heartbeatIntervalMs: number;
  /** group.consumer.max.size */
  maxSize: number;
  /** group.consumer.assignors: the first is the default. */
  assignors: readonly ServerAssignor[];
  /** group.consumer.migration.policy: which online conversions between classic and consumer groups happen. */
  migrationPolicy: MigrationPolicy;
  /** group.max.size: a consumer group downgraded to a classic group may not be larger. */
  classicGroupMaxSize: number;
  /** broker.ts.bug.group.skips.revocation: a partition goes to its new member while another still holds it (unsafe on purpose). */
  skipsRevocation?: boolean;
}

/** The topics members can subscribe to, from the metadata image. */
export interface SubscribableTopics {
  topic(name: string): { id: string; partitionCount: number } | undefined;
  topicName(id: string): string | undefined;
  names(): Iterable<string>;
}

/** A classic member, as a conversion in either direction carries it over. */
export interface ClassicMemberSpec {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocols: readonly GroupProtocol[];
}

/** A classic group with members, as the online upgrade reads it. */
export interface ClassicGroupSnapshot {
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  members: (ClassicMemberSpec & { assignment: Buffer })[];
}

/** What a consumer group downgraded to a classic group hands over: each member with its target assignment. */
export interface DowngradedGroup {
  groupId: string;
  generationId: number;
  members: (ClassicMemberSpec & { targetPartitions: TopicPartitionsByName[] })[];
}

/** What the consumer-group side needs of the classic groups sharing the group id space. */
export interface ClassicGroups {
  /** undefined: no classic group has this id. */
  isEmptyClassicGroup(groupId: string): boolean | undefined;
  /** A classic group with members that an online upgrade would convert; undefined when there is none. */
  classicGroup(groupId: string): ClassicGroupSnapshot | undefined;
  /** The classic group's tombstone is written: it is gone, and members waiting in a rebalance rejoin. */
  dropClassicGroup(groupId: string): void;
  /** The record of the classic group a downgrade creates, and how it takes the group's place once written. */
  downgrade(group: DowngradedGroup): { record: CoordinatorRecord; adopt(): void };
  /** Whether this node serves the group's partition now. */
  isServing(groupId: string): boolean;
  partitionFor(groupId: string): number;
}

export interface HeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

export interface MemberContext {
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

interface DescribedTopicPartitions {
  topicId: string;
  topicName: string;
  partitions: number[];
}

export interface ConsumerGroupDescription {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: {
    memberId: string;
    instanceId: string | null;
    rackId: string | null;
    memberEpoch: number;
    clientId: string;
    clientHost: string;
    subscribedTopicNames: string[];
    subscribedTopicRegex: string | null;
    assignment: { topicPartitions: DescribedTopicPartitions[] };
    targetAssignment: { topicPartitions: DescribedTopicPartitions[] };
    memberType: number;
  }[];
}

/** Checks an offset commit partition by partition: the error for one, NONE when it may commit. */
export type CommitPartitionValidator = (topic: string, partition: number) => number;

/** ConsumerGroupDescribe's member types. */
const CLASSIC_MEMBER_TYPE = 0;
const CONSUMER_MEMBER_TYPE = 1;

/** A classic member's JoinGroup in a consumer group; undefined when the group is no longer a consumer group with members. */
export type ClassicJoinResult = JoinResult | undefined;

function fail(name: Parameters<typeof ApiError.of>[0], message: string): never {
  throw ApiError.of(name, message);
}

export class ConsumerGroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly timers = new KeyedTimers();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly settings: ConsumerGroupSettings,
    private readonly log: CoordinatorLog,
    private readonly topics: SubscribableTopics,
    private readonly classic: ClassicGroups,
    private readonly logger: Logger,
  ) {
    if (settings.assignors.length === 0) throw new Error('group.consumer.assignors must name at least one assignor');
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  groupIds(): IterableIterator<string> {
    return this.groups.keys();
  }

  // ---- ConsumerGroupHeartbeat ----

  async heartbeat(context: MemberContext, request: HeartbeatRequest): Promise<HeartbeatResult> {
    try {
      validateHeartbeat(request, this.settings.assignors);
      return await this.serialize(request.groupId, () =>
        request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH
          ? this.leave(request)
          : this.heartbeatMember(context, request),
      );
    } catch (error) {
      const code = error instanceof FencedMemberError ? ErrorCode.FENCED_MEMBER_EPOCH : errorCodeOf(error);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR) this.logger.warn({ group: request.groupId, err: error }, 'consumer group heartbeat failed');
      return {
        errorCode: code,
        errorMessage: error instanceof FencedMemberError ? error.message : errorMessageOf(error),
        memberId: null,
        memberEpoch: 0,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
  }

  private async heartbeatMember(context: MemberContext, request: HeartbeatRequest): Promise<HeartbeatResult> {
    const { groupId } = request;
    const records: CoordinatorRecord[] = [];
    const joining = request.memberEpoch === JOIN_GROUP_MEMBER_EPOCH;
    const { group, replacesClassicGroup } = this.getOrMaybeCreateGroup(groupId, joining, records);
    // Before v1 the coordinator may pick the member id.
    const memberId = request.memberId === '' ? randomKafkaUuid() : request.memberId;
    this.throwIfGroupIsFull(group, memberId);
    const owned = request.topicPartitions === null ? null : assignmentFromList(request.topicPartitions);
    const { member, replaced } =
      request.instanceId === null
        ? { member: this.dynamicMember(group, memberId, request.memberEpoch, owned, joining), replaced: undefined }
        : this.staticMember(group, memberId, request.memberEpoch, request.instanceId, owned, joining, false, records);

    const updated: ConsumerGroupMember = {
      ...member,
      instanceId: request.instanceId ?? member.instanceId,
      rackId: request.rackId ?? member.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs !== -1 ? request.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: request.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: request.subscribedTopicNames !== null ? [...request.subscribedTopicNames].sort() : member.subscribedTopicNames,
      subscribedTopicRegex: request.subscribedTopicRegex !== null ? emptyToNull(request.subscribedTopicRegex) : member.subscribedTopicRegex,
      clientId: context.clientId,
      clientHost: context.clientHost,
      // A classic member that comes back with ConsumerGroupHeartbeat uses the consumer protocol from now on.
      classicMemberMetadata: null,
    };
    const { reconciled, isNew } = this.updateAndReconcile(group, member, updated, replaced, owned, records);

    await this.write(groupId, records);
    if (replacesClassicGroup) this.classic.dropClassicGroup(groupId);
    if (replaced !== undefined) this.cancelMemberTimers(groupId, replaced.memberId);
    // Members of a classic group converted by this heartbeat keep their sessions from now on.
    if (replacesClassicGroup) for (const other of group.members.values()) this.scheduleSessionTimeout(groupId, other.memberId);
    this.scheduleSessionTimeout(groupId, reconciled.memberId);
    if (!sameAssignmentState(updated, reconciled) || isNew) this.updateRebalanceTimeout(groupId, reconciled);

    const isFullRequest =
      joining ||
      (request.rebalanceTimeoutMs !== -1 &&
        (request.subscribedTopicNames !== null || request.subscribedTopicRegex !== null) &&
        request.topicPartitions !== null);
    const assignmentChanged = !assignmentsEqual(member.assignedPartitions, reconciled.assignedPartitions);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: reconciled.memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
      assignment: isFullRequest || assignmentChanged ? { topicPartitions: assignmentToList(reconciled.assignedPartitions) } : null,
    };
  }

  private throwIfGroupIsFull(group: ConsumerGroup, memberId: string): void {
    if (group.members.size >= this.settings.maxSize && !group.members.has(memberId)) {
      fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.settings.maxSize} members.`);
    }
  }

  /**
   * Steps 1 to 3 of a member's update, the same for ConsumerGroupHeartbeat and a classic member's
   * JoinGroup: the member's metadata, the group epoch (bumped when a subscription or the
   * subscribed topics changed), the target assignment of a new group epoch, and the member moved
   * towards its target as far as revocations allow. The records are added to `records`.
   */
  private updateAndReconcile(
    group: ConsumerGroup,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    replaced: ConsumerGroupMember | undefined,
    owned: Assignment | null,
    records: CoordinatorRecord[],
  ): { reconciled: ConsumerGroupMember; isNew: boolean } {
    const { groupId } = group;
    const isNew = replaced === undefined && !group.members.has(member.memberId);
    if (isNew || !sameMetadata(member, updated)) records.push(memberMetadataRecord(groupId, updated.memberId, metadataValue(updated)));

    // 1. The group epoch: bumped when a subscription or the subscribed topics changed.
    const membersAfter = new Map(group.members);
    if (replaced !== undefined) membersAfter.delete(replaced.memberId);
    membersAfter.set(updated.memberId, updated);
    const subscribed = this.subscribedTopics(membersAfter.values());
    const metadataHash = hashTopics(subscribed);
    let groupEpoch = group.groupEpoch;
    if (isNew || !sameSubscription(member, updated) || metadataHash !== group.metadataHash) {
      groupEpoch += 1;
      records.push(groupEpochRecord(groupId, groupEpoch, metadataHash));
      this.logger.info({ group: groupId, epoch: groupEpoch, member: updated.memberId }, 'bumped consumer group epoch');
    }

    // 2. The target assignment of a new group epoch.
    let targetAssignmentEpoch = group.assignmentEpoch;
    let targetAssignment = group.targetAssignment(replaced?.memberId ?? updated.memberId);
    if (groupEpoch > group.assignmentEpoch) {
      const targets = this.computeTargetAssignment(group, membersAfter, subscribed, replaced, records);
      records.push(targetAssignmentEpochRecord(groupId, groupEpoch));
      targetAssignmentEpoch = groupEpoch;
      targetAssignment = targets.get(updated.memberId) ?? EMPTY_ASSIGNMENT;
    }

    // 3. The member moves towards its target, as far as revocations allow.
    const reconciled = isReconciledTo(updated, targetAssignmentEpoch)
      ? updated
      : reconcile(updated, {
          targetAssignmentEpoch,
          targetAssignment,
          currentPartitionEpoch: (topicId, partition) => (this.settings.skipsRevocation === true ? -1 : group.currentPartitionEpoch(topicId, partition)),
          ownedTopicPartitions: owned,
        });
    if (isNew || !sameAssignmentState(updated, reconciled)) {
      records.push(currentAssignmentRecord(groupId, reconciled.memberId, assignmentValue(reconciled)));
    }
    return { reconciled, isNew };
  }

  private getOrMaybeCreateGroup(
    groupId: string,
    createIfNotExists: boolean,
    records: CoordinatorRecord[],
  ): { group: ConsumerGroup; replacesClassicGroup: boolean } {
    const existing = this.groups.get(groupId);
    if (existing !== undefined) return { group: existing, replacesClassicGroup: false };
    const classicEmpty = this.classic.isEmptyClassicGroup(groupId);
    if (classicEmpty === undefined) {
      if (!createIfNotExists) fail('GROUP_ID_NOT_FOUND', `Consumer group ${groupId} not found.`);
      return { group: new ConsumerGroup(groupId), replacesClassicGroup: false };
    }
    if (createIfNotExists && classicEmpty) {
      // An empty classic group (or one that only has offsets) becomes a consumer group; its offsets stay.
      records.push({ key: groupMetadataKey(groupId), value: null });
      return { group: new ConsumerGroup(groupId), replacesClassicGroup: true };
    }
    const classic = createIfNotExists ? this.classic.classicGroup(groupId) : undefined;
    if (classic === undefined || !this.canUpgrade(groupId, classic)) return fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`);
    return { group: this.upgrade(groupId, classic, records), replacesClassicGroup: true };
  }

  /** Kafka's validateOnlineUpgrade. */
  private canUpgrade(groupId: string, classic: ClassicGroupSnapshot): boolean {
    let refusal: string | undefined;
    if (!allowsUpgrade(this.settings.migrationPolicy)) refusal = 'the online upgrade is disabled';
    else if (classic.protocolType !== CONSUMER_PROTOCOL_TYPE || classic.protocolName === null)
      refusal = 'the group does not use the consumer embedded protocol';
    else if (classic.members.length > this.settings.maxSize) refusal = 'the group size exceeds the consumer group maximum size';
    if (refusal !== undefined) this.logger.info({ group: groupId, reason: refusal }, 'cannot upgrade the classic group to a consumer group');
    return refusal === undefined;
  }

  /**
   * Kafka's convertToConsumerGroup: the classic group's tombstone, then the records of a consumer
   * group at the classic generation whose members are stable with what the classic group last
   * assigned them (their target too). The member joining with ConsumerGroupHeartbeat then bumps the
   * epoch like any new member, and the classic members rejoin to get their part. Returns the group
   * those records make (the real one is made by replaying them once written).
   */
  private upgrade(groupId: string, classic: ClassicGroupSnapshot, records: CoordinatorRecord[]): ConsumerGroup {
    const generation = classic.generationId;
    const members: ConsumerGroupMember[] = classic.members.map((m) => {
      let subscription: ReturnType<typeof decodeSubscription>;
      let assigned: TopicPartitionsByName[];
      try {
        subscription = decodeSubscription(Buffer.from(m.protocols.find((p) => p.name === classic.protocolName)!.metadata));
        assigned = decodeAssignment(m.assignment);
      } catch (error) {
        return fail(
          'GROUP_ID_NOT_FOUND',
          `Cannot upgrade the classic group ${groupId} to consumer group because the embedded consumer protocol is malformed: ${(error as Error).message}.`,
        );
      }
      const assignment = this.assignmentByIds(assigned);
      return {
        ...newMember(m.memberId),
        instanceId: m.instanceId,
        rackId: subscription.rackId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...subscription.topics].sort(),
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        memberEpoch: generation,
        previousMemberEpoch: generation,
        state: MemberState.STABLE,
        assignedPartitions: assignment,
        assignmentEpochs: new Map([...assignedPartitionKeys(assignment)].map((key) => [key, generation])),
        classicMemberMetadata: {
          sessionTimeoutMs: m.sessionTimeoutMs,
          supportedProtocols: m.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
        },
      };
    });
    const conversion: CoordinatorRecord[] = [{ key: groupMetadataKey(groupId), value: null }];
    for (const member of members) conversion.push(memberMetadataRecord(groupId, member.memberId, metadataValue(member)));
    conversion.push(groupEpochRecord(groupId, generation, hashTopics(this.subscribedTopics(members))));
    for (const member of members) conversion.push(targetAssignmentMemberRecord(groupId, member.memberId, storedList(member.assignedPartitions)));
    conversion.push(targetAssignmentEpochRecord(groupId, generation));
    for (const member of members) conversion.push(currentAssignmentRecord(groupId, member.memberId, assignmentValue(member)));
    records.push(...conversion);
    const group = new ConsumerGroup(groupId);
    for (const record of conversion) {
      const decoded = decodeConsumerGroupRecord(record.key, record.value);
      if (decoded !== undefined) applyRecord(group, decoded);
    }
    this.logger.info({ group: groupId, members: members.length, generation }, 'upgrading the classic group to a consumer group');
    return group;
  }

  /** Partitions named by topic, by topic id; topics that no longer exist drop out. */
  private assignmentByIds(partitions: readonly TopicPartitionsByName[]): Assignment {
    const list: { topicId: string; partitions: number[] }[] = [];
    for (const { topic, partitions: ids } of partitions) {
      const id = this.topics.topic(topic)?.id;
      if (id !== undefined) list.push({ topicId: id, partitions: ids });
    }
    return assignmentFromList(list);
  }

  /** Partitions by topic id, by topic name (Kafka's toConsumerProtocolAssignment); deleted topics drop out. */
  private assignmentByNames(assignment: Assignment): TopicPartitionsByName[] {
    return assignmentToList(assignment).flatMap(({ topicId, partitions }) => {
      const topic = this.topics.topicName(topicId);
      return topic === undefined ? [] : [{ topic, partitions }];
    });
  }

  private dynamicMember(group: ConsumerGroup, memberId: string, memberEpoch: number, owned: Assignment | null, joining: boolean): ConsumerGroupMember {
    const existing = group.member(memberId);
    if (existing === undefined) {
      if (!joining) fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${group.groupId}.`);
      this.logger.info({ group: group.groupId, member: memberId }, 'member joins the consumer group');
      return newMember(memberId);
    }
    throwIfMemberEpochIsInvalid(existing, memberEpoch, owned);
    return existing;
  }

  /** KIP-345 for the consumer protocol: an instance id keeps its place across a restart that left with epoch -2. */
  private staticMember(
    group: ConsumerGroup,
    memberId: string,
    memberEpoch: number,
    instanceId: string,
    owned: Assignment | null,
    joining: boolean,
    classicProtocol: boolean,
    records: CoordinatorRecord[],
  ): { member: ConsumerGroupMember; replaced: ConsumerGroupMember | undefined } {
    const existing = group.staticMember(instanceId);
    if (joining) {
      if (existing === undefined) {
        this.logger.info({ group: group.groupId, member: memberId, instance: instanceId }, 'static member joins the consumer group');
        return { member: group.member(memberId) ?? newMember(memberId), replaced: undefined };
      }
      if (existing.memberId === memberId) {
        // The same member joining again (its heartbeat response was lost, or it was fenced).
        return { member: existing, replaced: undefined };
      }
      // A classic member joining with the instance id takes its place at once, as in a classic group.
      if (!classicProtocol && existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        fail('UNRELEASED_INSTANCE_ID', `Static member ${existing.memberId} with instance id ${instanceId} is not released yet.`);
      }
      // The new member takes the old one's subscription, target and partitions, at epoch 0.
      const replacement: ConsumerGroupMember = { ...existing, memberId, memberEpoch: 0, previousMemberEpoch: 0 };
      records.push(...removeMemberRecords(group.groupId, existing.memberId));
      records.push(memberMetadataRecord(group.groupId, memberId, metadataValue(replacement)));
      records.push(targetAssignmentMemberRecord(group.groupId, memberId, storedList(group.targetAssignment(existing.memberId))));
      records.push(currentAssignmentRecord(group.groupId, memberId, assignmentValue(replacement)));
      this.logger.info({ group: group.groupId, instance: instanceId, from: existing.memberId, to: memberId }, 'static member joins the consumer group again');
      return { member: replacement, replaced: existing };
    }
    if (existing === undefined) fail('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`);
    if (existing.memberId !== memberId)
      fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} is fenced by ${existing.memberId}.`);
    if (!classicProtocol) throwIfMemberEpochIsInvalid(existing, memberEpoch, owned);
    return { member: existing, replaced: undefined };
  }

  /** Topics subscribed by name or by a regular expression that exist now, by name. */
  private subscribedTopics(members: Iterable<ConsumerGroupMember>): Map<string, { id: string; partitionCount: number }> {
    const subscribed = new Map<string, { id: string; partitionCount: number }>();
    const regexes = new Set<string>();
    for (const member of members) {
      for (const name of member.subscribedTopicNames) {
        const topic = this.topics.topic(name);
        if (topic !== undefined) subscribed.set(name, topic);
      }
      if (member.subscribedTopicRegex !== null) regexes.add(member.subscribedTopicRegex);
    }
    for (const regex of regexes) for (const name of this.regexTopics(regex)) subscribed.set(name, this.topics.topic(name)!);
    return subscribed;
  }

  /** Kafka matches the whole name (RE2J's matches()) and never internal topics. */
  private regexTopics(regex: string): string[] {
    const pattern = compileRegex(regex);
    return [...this.topics.names()].filter((name) => !isInternalTopic(name) && pattern.test(name));
  }

  private memberTopicIds(member: ConsumerGroupMember, subscribed: ReadonlyMap<string, { id: string }>): Set<string> {
    const ids = new Set<string>();
    for (const name of member.subscribedTopicNames) {
      const topic = subscribed.get(name);
      if (topic !== undefined) ids.add(topic.id);
    }
    // Every topic a regular expression matches is already among the group's subscribed topics:
    // matched against those, not against every topic of the cluster again.
    if (member.subscribedTopicRegex !== null) {
      const pattern = compileRegex(member.subscribedTopicRegex);
      for (const [name, topic] of subscribed) if (!isInternalTopic(name) && pattern.test(name)) ids.add(topic.id);
    }
    return ids;
  }

  /** Runs the group's assignor and writes the targets that changed (Kafka's TargetAssignmentBuilder). */
  private computeTargetAssignment(
    group: ConsumerGroup,
    members: ReadonlyMap<string, ConsumerGroupMember>,
    subscribed: ReadonlyMap<string, { id: string; partitionCount: number }>,
    replaced: ConsumerGroupMember | undefined,
    records: CoordinatorRecord[],
  ): Map<string, Assignment> {
    const currentTarget = (memberId: string) =>
      replaced !== undefined && members.get(memberId)?.instanceId === replaced.instanceId
        ? group.targetAssignment(replaced.memberId)
        : group.targetAssignment(memberId);
    const assignor = this.preferredAssignor(members.values());
    const targets = assignor.assign({
      members: [...members.values()].map((m) => ({
        memberId: m.memberId,
        subscribedTopicIds: this.memberTopicIds(m, subscribed),
        currentTarget: currentTarget(m.memberId),
      })),
      partitionCounts: new Map([...subscribed.values()].map((t) => [t.id, t.partitionCount])),
    });
    for (const memberId of members.keys()) {
      const target = targets.get(memberId) ?? EMPTY_ASSIGNMENT;
      if (!assignmentsEqual(target, currentTarget(memberId)) || !group.members.has(memberId)) {
        records.push(targetAssignmentMemberRecord(group.groupId, memberId, storedList(target)));
      }
    }
    return targets;
  }

  /** The assignor most members ask for, else the first of group.consumer.assignors. */
  private preferredAssignor(members: Iterable<ConsumerGroupMember>): ServerAssignor {
    const votes = new Map<string, number>();
    for (const member of members) if (member.serverAssignor !== null) votes.set(member.serverAssignor, (votes.get(member.serverAssignor) ?? 0) + 1);
    let best: string | undefined;
    for (const [name, count] of votes) if (best === undefined || count > votes.get(best)!) best = name;
    return this.settings.assignors.find((a) => a.name === best) ?? this.settings.assignors[0]!;
  }

  // ---- Leaving and fencing ----

  private async leave(request: HeartbeatRequest): Promise<HeartbeatResult> {
    const { groupId, memberId, memberEpoch, instanceId } = request;
    const group = this.consumerGroup(groupId);
    if (instanceId === null) {
      const member = group.member(memberId);
      if (member === undefined) fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${groupId}.`);
      this.logger.info({ group: groupId, member: memberId }, 'member left the consumer group');
      await this.removeMember(group, member);
    } else {
      const member = group.staticMember(instanceId);
      if (member === undefined) fail('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`);
      if (member.memberId !== memberId) fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} is fenced by ${member.memberId}.`);
      if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        // Temporarily gone: it keeps its partitions (nobody else gets them) until its session expires.
        this.logger.info({ group: groupId, member: memberId, instance: instanceId }, 'static member left the consumer group for now');
        const leaving: ConsumerGroupMember = { ...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: EMPTY_ASSIGNMENT };
        await this.write(groupId, [currentAssignmentRecord(groupId, memberId, assignmentValue(leaving))]);
      } else {
        this.logger.info({ group: groupId, member: memberId, instance: instanceId }, 'static member left the consumer group');
        await this.removeMember(group, member);
      }
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId, memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  }

  /**
   * Kafka's consumerGroupFenceMember: the member's records removed and the group epoch bumped so
   * the others are assigned again; or, when every member left is a classic one, the group
   * downgraded to a classic group that rebalances.
   */
  private async removeMember(group: ConsumerGroup, member: ConsumerGroupMember): Promise<void> {
    const { groupId } = group;
    if (this.canDowngrade(group, member.memberId)) {
      const remaining = [...group.members.values()].filter((m) => m.memberId !== member.memberId);
      const { record, adopt } = this.classic.downgrade({
        groupId,
        generationId: group.groupEpoch,
        members: remaining.map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          sessionTimeoutMs: m.classicMemberMetadata!.sessionTimeoutMs,
          protocols: m.classicMemberMetadata!.supportedProtocols,
          targetPartitions: this.assignmentByNames(group.targetAssignment(m.memberId)),
        })),
      });
      this.logger.info({ group: groupId, members: remaining.length, leaving: member.memberId }, 'downgrading the consumer group to a classic group');
      // The group's tombstones cancel its timers as they are replayed.
      await this.write(groupId, [...groupTombstoneRecords(group), record]);
      adopt();
      return;
    }
    await this.write(groupId, this.removalRecords(group, new Set([member.memberId])));
    this.cancelMemberTimers(groupId, member.memberId);
  }

  /** The members' records removed, and one group epoch bump so the others are assigned again. */
  private removalRecords(group: ConsumerGroup, leaving: ReadonlySet<string>): CoordinatorRecord[] {
    const remaining = [...group.members.values()].filter((m) => !leaving.has(m.memberId));
    return [
      ...[...leaving].flatMap((memberId) => removeMemberRecords(group.groupId, memberId)),
      groupEpochRecord(group.groupId, group.groupEpoch + 1, hashTopics(this.subscribedTopics(remaining))),
    ];
  }

  /** Kafka's validateOnlineDowngradeWithFencedMember. */
  private canDowngrade(group: ConsumerGroup, leavingMemberId: string): boolean {
    if (!group.allMembersUseClassicProtocolExcept(leavingMemberId) || group.members.size <= 1) return false;
    let refusal: string | undefined;
    if (!allowsDowngrade(this.settings.migrationPolicy)) refusal = 'the online downgrade is disabled';
    else if (group.members.size - 1 > this.settings.classicGroupMaxSize) refusal = 'its group size is greater than the classic group maximum size';
    if (refusal !== undefined) this.logger.info({ group: group.groupId, reason: refusal }, 'cannot downgrade the consumer group to a classic group');
    return refusal === undefined;
  }

  private fenceMemberLater(groupId: string, memberId: string, reason: string, stillApplies: (member: ConsumerGroupMember) => boolean): void {
    this.serialize(groupId, async () => {
      const member = this.groups.get(groupId)?.member(memberId);
      if (member === undefined || !stillApplies(member) || !this.classic.isServing(groupId)) return;
      this.logger.info({ group: groupId, member: memberId, reason }, 'fencing consumer group member');
      await this.removeMember(this.groups.get(groupId)!, member);
    }).catch((error: unknown) => {
      this.logger.warn({ group: groupId, member: memberId, err: error }, 'failed to fence consumer group member: trying again at the next expiry');
      this.scheduleSessionTimeout(groupId, memberId);
    });
  }

  /** A classic member's session is the one it joined with; a consumer member's is group.consumer.session.timeout.ms. */
  private scheduleSessionTimeout(groupId: string, memberId: string): void {
    const classic = this.groups.get(groupId)?.member(memberId)?.classicMemberMetadata;
    this.timers.schedule(sessionKey(groupId, memberId), classic?.sessionTimeoutMs ?? this.settings.sessionTimeoutMs, () =>
      this.fenceMemberLater(groupId, memberId, 'the member session expired', () => true),
    );
  }

  /** Consumer members only: a classic member revokes by rejoining, within its join timeout. */
  private updateRebalanceTimeout(groupId: string, member: ConsumerGroupMember): void {
    if (member.state !== MemberState.UNREVOKED_PARTITIONS || usesClassicProtocol(member)) {
      this.timers.cancel(rebalanceKey(groupId, member.memberId));
      return;
    }
    const epoch = member.memberEpoch;
    this.timers.schedule(rebalanceKey(groupId, member.memberId), member.rebalanceTimeoutMs, () =>
      this.fenceMemberLater(
        groupId,
        member.memberId,
        'the member failed to revoke its partitions within its rebalance timeout',
        (m) => m.state === MemberState.UNREVOKED_PARTITIONS && m.memberEpoch === epoch,
      ),
    );
  }

  /** Kafka's scheduleConsumerGroupJoinTimeoutIfAbsent: a classic member told to rejoin must do so within its rebalance timeout. */
  private scheduleJoinTimeoutIfAbsent(groupId: string, member: ConsumerGroupMember): void {
    const key = joinKey(groupId, member.memberId);
    if (this.timers.has(key)) return;
    this.timers.schedule(key, member.rebalanceTimeoutMs, () =>
      this.fenceMemberLater(groupId, member.memberId, 'the classic member did not rejoin within its rebalance timeout', () => true),
    );
  }

  /** Kafka's scheduleConsumerGroupSyncTimeout: a classic member that joined must sync within its rebalance timeout. */
  private scheduleSyncTimeout(groupId: string, member: ConsumerGroupMember): void {
    this.timers.schedule(syncKey(groupId, member.memberId), member.rebalanceTimeoutMs, () =>
      this.fenceMemberLater(groupId, member.memberId, 'the classic member did not sync within its rebalance timeout', () => true),
    );
  }

  private cancelMemberTimers(groupId: string, memberId: string): void {
    for (const key of [sessionKey, rebalanceKey, joinKey, syncKey]) this.timers.cancel(key(groupId, memberId));
  }

  // ---- Classic members of a consumer group (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) ----

  /**
   * Kafka's classicGroupJoinToConsumerGroup: a member using the classic protocol joins a consumer
   * group with members. It is assigned server-side like the others; the JoinGroup answer names no
   * leader, and its SyncGroup gets what it may hold now. While it must revoke or has partitions to
   * come, its heartbeats answer REBALANCE_IN_PROGRESS so that it rejoins.
   */
  classicJoin(context: MemberContext, request: JoinRequest): Promise<ClassicJoinResult> {
    return this.serialize(request.groupId, async () => {
      const { groupId, groupInstanceId: instanceId } = request;
      const group = this.groups.get(groupId);
      if (group === undefined || group.members.size === 0) return undefined;
      const isUnknownMember = request.memberId === '';
      const memberId = isUnknownMember ? randomKafkaUuid() : request.memberId;
      const joinError = (errorCode: number): JoinResult => ({
        errorCode,
        generationId: -1,
        protocolType: null,
        protocolName: null,
        leader: '',
        memberId,
        members: [],
      });
      try {
        this.throwIfGroupIsFull(group, memberId);
        if (
          !group.supportsClassicProtocols(
            request.protocolType,
            request.protocols.map((p) => p.name),
          )
        ) {
          fail('INCONSISTENT_GROUP_PROTOCOL', `Member ${memberId}'s protocols are not supported.`);
        }
        // JoinGroup v4+: a new dynamic member is given its id and asked to come back with it.
        if (isUnknownMember && instanceId === null && context.apiVersion >= 4) return joinError(ErrorCode.MEMBER_ID_REQUIRED);
        const records: CoordinatorRecord[] = [];
        const { member, replaced } =
          instanceId === null
            ? { member: group.member(memberId) ?? newMember(memberId), replaced: undefined }
            : this.staticMember(group, memberId, -1, instanceId, null, isUnknownMember, true, records);
        if (instanceId === null && group.member(memberId) === undefined)
          this.logger.info({ group: groupId, member: memberId }, 'classic member joins the consumer group');
        const subscription = decodeSubscription(Buffer.from(request.protocols[0]!.metadata));
        const updated: ConsumerGroupMember = {
          ...member,
          instanceId: instanceId ?? member.instanceId,
          rackId: subscription.rackId ?? member.rackId,
          rebalanceTimeoutMs: request.rebalanceTimeoutMs !== -1 ? request.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
          serverAssignor: null,
          subscribedTopicNames: [...subscription.topics].sort(),
          clientId: context.clientId,
          clientHost: context.clientHost,
          classicMemberMetadata: {
            sessionTimeoutMs: request.sessionTimeoutMs,
            supportedProtocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
          },
        };
        const owned = this.assignmentByIds(subscription.ownedPartitions);
        const { reconciled } = this.updateAndReconcile(group, member, updated, replaced, owned, records);
        await this.write(groupId, records);
        if (replaced !== undefined) this.cancelMemberTimers(groupId, replaced.memberId);
        this.timers.cancel(joinKey(groupId, reconciled.memberId));
        this.scheduleSessionTimeout(groupId, reconciled.memberId);
        this.scheduleSyncTimeout(groupId, reconciled);
        return {
          errorCode: ErrorCode.NONE,
          generationId: reconciled.memberEpoch,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocolName: request.protocols[0]!.name,
          leader: '',
          memberId: reconciled.memberId,
          members: [],
        };
      } catch (error) {
        if (errorCodeOf(error) === ErrorCode.UNKNOWN_SERVER_ERROR) this.logger.warn({ group: groupId, err: error }, 'classic join to a consumer group failed');
        return joinError(errorCodeOf(error));
      }
    });
  }

  /** Kafka's classicGroupSyncToConsumerGroup: the member's current assignment, in its subscription's version. */
  classicSync(request: SyncRequest): Promise<SyncResult> {
    return this.serialize(request.groupId, async () => {
      const syncError = (errorCode: number): SyncResult => ({ errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
      try {
        const group = this.consumerGroup(request.groupId);
        const member = this.classicMember(group, request.memberId, request.groupInstanceId);
        if (request.generationId !== member.memberEpoch)
          fail('ILLEGAL_GENERATION', `The member ${member.memberId} has a generation ${request.generationId} that is not its epoch ${member.memberEpoch}.`);
        const protocol = member.classicMemberMetadata!.supportedProtocols[0]!;
        if (
          (request.protocolType !== null && request.protocolType !== CONSUMER_PROTOCOL_TYPE) ||
          (request.protocolName !== null && request.protocolName !== protocol.name)
        ) {
          fail('INCONSISTENT_GROUP_PROTOCOL', `The protocol of member ${member.memberId} does not match.`);
        }
        this.throwIfRebalanceInProgress(group, member);
        this.timers.cancel(syncKey(group.groupId, member.memberId));
        this.scheduleSessionTimeout(group.groupId, member.memberId);
        return {
          errorCode: ErrorCode.NONE,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocolName: protocol.name,
          assignment: encodeAssignment(subscriptionVersion(protocol.metadata), this.assignmentByNames(member.assignedPartitions)),
        };
      } catch (error) {
        return syncError(errorCodeOf(error));
      }
    });
  }

  /**
   * Kafka's classicGroupHeartbeatToConsumerGroup: REBALANCE_IN_PROGRESS tells the member to rejoin
   * when the group epoch moved past it, when it must revoke, or when partitions it waits for are free.
   */
  classicHeartbeat(groupId: string, memberId: string, instanceId: string | null, generationId: number): number {
    try {
      const group = this.consumerGroup(groupId);
      const member = this.classicMember(group, memberId, instanceId);
      if (generationId !== member.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
      this.scheduleSessionTimeout(groupId, member.memberId);
      const mustRejoin =
        member.memberEpoch < group.groupEpoch ||
        member.state === MemberState.UNREVOKED_PARTITIONS ||
        (member.state === MemberState.UNRELEASED_PARTITIONS && !group.waitingOnUnreleasedPartition(member));
      if (!mustRejoin) return ErrorCode.NONE;
      this.scheduleJoinTimeoutIfAbsent(groupId, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    } catch (error) {
      return errorCodeOf(error);
    }
  }

  /** Kafka's classicGroupLeaveToConsumerGroup: each member removed, then one group epoch bump. */
  classicLeave(groupId: string, members: readonly { memberId: string; groupInstanceId: string | null }[]): Promise<LeaveResult> {
    return this.serialize(groupId, async () => {
      const group = this.consumerGroup(groupId);
      const leaving = new Set<string>();
      const results = members.map(({ memberId, groupInstanceId }) => {
        try {
          let member: ConsumerGroupMember;
          if (groupInstanceId === null) {
            member = group.member(memberId) ?? fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${groupId}.`);
          } else {
            member = group.staticMember(groupInstanceId) ?? fail('UNKNOWN_MEMBER_ID', `Instance id ${groupInstanceId} is unknown.`);
            // An administrator removes a static member by its instance id alone.
            if (memberId !== '' && member.memberId !== memberId)
              fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${groupInstanceId} is fenced by ${member.memberId}.`);
          }
          if (!usesClassicProtocol(member)) fail('UNKNOWN_MEMBER_ID', `Member ${member.memberId} does not use the classic protocol.`);
          this.logger.info({ group: groupId, member: member.memberId, instance: groupInstanceId }, 'classic member left the consumer group');
          leaving.add(member.memberId);
          return { memberId: member.memberId, groupInstanceId, errorCode: ErrorCode.NONE as number };
        } catch (error) {
          return { memberId, groupInstanceId, errorCode: errorCodeOf(error) };
        }
      });
      if (leaving.size > 0) {
        await this.write(groupId, this.removalRecords(group, leaving));
        for (const memberId of leaving) this.cancelMemberTimers(groupId, memberId);
      }
      return { errorCode: ErrorCode.NONE, members: results };
    });
  }

  /** Kafka's validateConsumerGroupMember and throwIfMemberDoesNotUseClassicProtocol. */
  private classicMember(group: ConsumerGroup, memberId: string, instanceId: string | null): ConsumerGroupMember {
    let member: ConsumerGroupMember;
    if (instanceId === null) {
      member = group.member(memberId) ?? fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${group.groupId}.`);
    } else {
      member = group.staticMember(instanceId) ?? fail('UNKNOWN_MEMBER_ID', `Member with instance id ${instanceId} is not a member of group ${group.groupId}.`);
      if (member.memberId !== memberId) fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} is fenced by ${member.memberId}.`);
    }
    if (!usesClassicProtocol(member)) fail('UNKNOWN_MEMBER_ID', `Member ${member.memberId} does not use the classic protocol.`);
    return member;
  }

  /** A member behind the group epoch rejoins first, unless it is revoking (it has rejoined already). */
  private throwIfRebalanceInProgress(group: ConsumerGroup, member: ConsumerGroupMember): void {
    if (group.groupEpoch > member.memberEpoch && member.state !== MemberState.UNREVOKED_PARTITIONS) {
      this.scheduleJoinTimeoutIfAbsent(group.groupId, member);
      fail('REBALANCE_IN_PROGRESS', `A new rebalance is triggered in group ${group.groupId} and member ${member.memberId} should rejoin to catch up.`);
    }
  }

  // ---- Records: written, then replayed ----

  private async write(groupId: string, records: readonly CoordinatorRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.log.append(this.classic.partitionFor(groupId), records);
    } catch (error) {
      throw asCoordinatorError(error);
    }
    // The partition may have moved while the records were being replicated: the new leader replays them.
    if (!this.classic.isServing(groupId)) throw ApiError.of('NOT_COORDINATOR');
    for (const record of records) {
      const decoded = decodeConsumerGroupRecord(record.key, record.value);
      if (decoded !== undefined) this.replay(decoded);
    }
  }

  /** Applies one record: how heartbeats change groups and how a new coordinator loads them. */
  replay(record: ConsumerGroupRecord): void {
    if (record.type === ConsumerGroupRecordType.GROUP_METADATA && record.value === null) {
      this.groups.delete(record.groupId);
      this.timers.cancelPrefix(`${record.groupId}\0`);
      return;
    }
    let group = this.groups.get(record.groupId);
    if (group === undefined) this.groups.set(record.groupId, (group = new ConsumerGroup(record.groupId)));
    applyRecord(group, record);
  }

  /** The partition's groups are loaded: their members' sessions (and pending revocations) run from now, as in Kafka. */
  onLoaded(partitionIndex: number): void {
    for (const group of this.groups.values()) {
      if (this.classic.partitionFor(group.groupId) !== partitionIndex) continue;
      for (const member of group.members.values()) {
        this.scheduleSessionTimeout(group.groupId, member.memberId);
        this.updateRebalanceTimeout(group.groupId, member);
      }
      this.logger.info({ group: group.groupId, members: group.members.size, epoch: group.groupEpoch }, 'loaded consumer group');
    }
  }

  unload(partitionIndex: number): void {
    for (const groupId of [...this.groups.keys()]) {
      if (this.classic.partitionFor(groupId) !== partitionIndex) continue;
      this.timers.cancelPrefix(`${groupId}\0`);
      this.groups.delete(groupId);
    }
  }

  shutdown(): void {
    this.timers.cancelAll();
  }

  /** The records that delete an empty group (DeleteGroups, or a classic member taking over its id). */
  deleteGroupRecords(groupId: string): CoordinatorRecord[] {
    const group = this.consumerGroup(groupId);
    if (group.members.size > 0) fail('NON_EMPTY_GROUP', `Group ${groupId} is not empty.`);
    return groupTombstoneRecords(group);
  }

  /** Writes the records of deleteGroupRecords (and any others, such as offset tombstones) at once. */
  async deleteGroup(groupId: string, extra: readonly CoordinatorRecord[] = []): Promise<void> {
    await this.serialize(groupId, () => this.write(groupId, [...extra, ...this.deleteGroupRecords(groupId)]));
  }

  // ---- Offsets of consumer groups ----

  /**
   * Kafka 4.4's ConsumerGroup.validateOffsetCommit: without a member (epoch -1) only an empty group
   * takes commits; a member commits with its epoch, or an older one for partitions it already held
   * at that epoch (checked partition by partition); a newer epoch is stale.
   */
  validateOffsetCommit(
    group: ConsumerGroup,
    memberId: string,
    instanceId: string | null,
    memberEpoch: number,
    transactional: boolean,
    apiVersion: number,
  ): CommitPartitionValidator {
    const ok: CommitPartitionValidator = () => ErrorCode.NONE;
    if (memberEpoch < 0 && group.members.size === 0) return ok;
    if (transactional && memberEpoch === -1 && memberId === '' && instanceId === null) return ok;
    const member = group.member(memberId);
    if (member === undefined) fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${group.groupId}.`);
    // A classic member commits with its generation (its member epoch), from any OffsetCommit
    // version, and is refused with ILLEGAL_GENERATION where a consumer member gets STALE_MEMBER_EPOCH.
    const classic = usesClassicProtocol(member);
    if (!classic && !transactional && apiVersion < 9)
      fail('UNSUPPORTED_VERSION', 'OffsetCommit version 9 or above must be used by members using the consumer group protocol');
    if (memberEpoch === member.memberEpoch) return ok;
    if (memberEpoch > member.memberEpoch) {
      fail(
        classic ? 'ILLEGAL_GENERATION' : 'STALE_MEMBER_EPOCH',
        `Received ${classic ? 'generation id' : 'member epoch'} ${memberEpoch} is newer than current member epoch ${member.memberEpoch}.`,
      );
    }
    const refused = classic ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
    return (topic, partition) => {
      const topicId = this.topics.topic(topic)?.id;
      const assignedAt = topicId === undefined ? undefined : member.assignmentEpochs.get(partitionKey(topicId, partition));
      return assignedAt !== undefined && assignedAt <= memberEpoch ? ErrorCode.NONE : refused;
    };
  }

  /** Kafka's ConsumerGroup.validateOffsetFetch: a member fetching gives its current epoch. */
  validateOffsetFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
    if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
    const member = memberId === null ? undefined : group.member(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberEpoch === member.memberEpoch) return ErrorCode.NONE;
    return usesClassicProtocol(member) ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
  }

  /** Whether some member subscribes to the topic, by name or regular expression (OffsetDelete refuses those). */
  isSubscribedToTopic(group: ConsumerGroup, topic: string): boolean {
    return this.subscribedTopics(group.members.values()).has(topic) || group.subscribedTopicNames().has(topic);
  }

  // ---- ConsumerGroupDescribe ----

  describe(groupId: string): ConsumerGroupDescription {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      const message = this.classic.isEmptyClassicGroup(groupId) === undefined ? `Group ${groupId} not found.` : `Group ${groupId} is not a consumer group.`;
      return {
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: message,
        groupId,
        groupState: '',
        groupEpoch: 0,
        assignmentEpoch: 0,
        assignorName: '',
        members: [],
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: group.state(),
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: this.preferredAssignor(group.members.values()).name,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...m.subscribedTopicNames],
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: { topicPartitions: this.described(m.assignedPartitions) },
        targetAssignment: { topicPartitions: this.described(group.targetAssignment(m.memberId)) },
        memberType: usesClassicProtocol(m) ? CLASSIC_MEMBER_TYPE : CONSUMER_MEMBER_TYPE,
      })),
    };
  }

  /** Topics deleted since are left out. */
  private described(assignment: Assignment): DescribedTopicPartitions[] {
    return assignmentToList(assignment).flatMap(({ topicId, partitions }) => {
      const topicName = this.topics.topicName(topicId);
      return topicName === undefined ? [] : [{ topicId, topicName, partitions }];
    });
  }

  private consumerGroup(groupId: string): ConsumerGroup {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      fail(
        'GROUP_ID_NOT_FOUND',
        this.classic.isEmptyClassicGroup(groupId) === undefined ? `Consumer group ${groupId} not found.` : `Group ${groupId} is not a consumer group.`,
      );
    }
    return group;
  }

  private serialize<T>(groupId: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(groupId) ?? Promise.resolve();
    const run = previous.then(operation);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(groupId, tail);
    void tail.then(() => {
      if (this.queues.get(groupId) === tail) this.queues.delete(groupId);
    });
    return run;
  }
}

/** A stable hash of the subscribed topics' ids and partition counts: a change bumps the group epoch. */
function hashTopics(topics: ReadonlyMap<string, { id: string; partitionCount: number }>): bigint {
  if (topics.size === 0) return 0n;
  const hash = createHash('sha256');
  for (const name of [...topics.keys()].sort()) {
    const { id, partitionCount } = topics.get(name)!;
    hash.update(`${name}\0${id}\0${partitionCount}\n`);
  }
  return hash.digest().readBigInt64BE(0);
}

function sessionKey(groupId: string, memberId: string): string {
  return `${groupId}\0session\0${memberId}`;
}

function rebalanceKey(groupId: string, memberId: string): string {
  return `${groupId}\0rebalance\0${memberId}`;
}

function joinKey(groupId: string, memberId: string): string {
  return `${groupId}\0join\0${memberId}`;
}

function syncKey(groupId: string, memberId: string): string {
  return `${groupId}\0sync\0${memberId}`;
}

/** partitionKey of each partition of the assignment. */
function assignedPartitionKeys(assignment: Assignment): Set<string> {
  const keys = new Set<string>();
  for (const [topicId, partitions] of assignment) for (const p of partitions) keys.add(partitionKey(topicId, p));
  return keys;
}
