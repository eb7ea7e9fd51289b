// The KIP-848 side of the group coordinator (Kafka's GroupMetadataManager for consumer groups):
// ConsumerGroupHeartbeat joins, heartbeats and leaves; the group epoch is bumped when a
// subscription or the subscribed topics change; the server-side assignor computes the target
// assignment of a new group epoch; each member is reconciled towards its target a step per
// heartbeat (revoking before anything moves); members are fenced when their session or their
// rebalance timeout expires. Every change is a list of records written to the group's
// __consumer_offsets partition first and applied by replaying them, the same replay that loads the
// groups when this node becomes the partition's leader. Operations on one group run one at a time.
import { createHash } from 'node:crypto';
import { ErrorCode } from '@kafka-chaos/protocol';
import type { Logger } from '../logging/logger.js';
import { ApiError, errorCodeOf, errorMessageOf } from '../errors/api-error.js';
import { asCoordinatorError } from '../coordinator/coordinator-log.js';
import type { CoordinatorLog, CoordinatorRecord } from '../coordinator/coordinator-log.js';
import { KeyedTimers } from '../coordinator/keyed-timers.js';
import { randomKafkaUuid } from '../metadata/kafka-uuid.js';
import { isInternalTopic } from '../metadata/topic-names.js';
import type { ServerAssignor } from './assignors/assignor.js';
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
  unassigned,
} from './consumer-group.js';
import type { ConsumerGroupMember } from './consumer-group.js';
import {
  ConsumerGroupRecordType,
  consumerGroupTombstone,
  currentAssignmentRecord,
  decodeConsumerGroupRecord,
  groupEpochRecord,
  memberMetadataRecord,
  targetAssignmentEpochRecord,
  targetAssignmentMemberRecord,
} from './consumer-group-records.js';
import type { ConsumerGroupRecord, StoredTopicPartitions } from './consumer-group-records.js';
import { groupMetadataKey } from './coordinator-records.js';
import { FencedMemberError, reconcile } from './current-assignment.js';
import type { Assignment } from './topic-partition-assignment.js';
import { EMPTY_ASSIGNMENT, assignmentFromList, assignmentToList, assignmentsEqual, isSubsetOf } from './topic-partition-assignment.js';

export interface ConsumerGroupSettings {
  /** group.consumer.session.timeout.ms */
  sessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  heartbeatIntervalMs: number;
  /** group.consumer.max.size */
  maxSize: number;
  /** group.consumer.assignors: the first is the default. */
  assignors: readonly ServerAssignor[];
  /** broker.ts.bug.group.skips.revocation: a partition goes to its new member while another still holds it (unsafe on purpose). */
  skipsRevocation?: boolean;
}

/** The topics members can subscribe to, from the metadata image. */
export interface SubscribableTopics {
  topic(name: string): { id: string; partitionCount: number } | undefined;
  topicName(id: string): string | undefined;
  names(): Iterable<string>;
}

/** What the consumer-group side needs of the classic groups sharing the group id space. */
export interface ClassicGroups {
  /** undefined: no classic group has this id. */
  isEmptyClassicGroup(groupId: string): boolean | undefined;
  /** The classic group's tombstone is written: it is gone. */
  dropClassicGroup(groupId: string): void;
  /** Whether this node serves the group's partition now. */
  isServing(groupId: string): boolean;
  partitionFor(groupId: string): number;
}

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

/** ConsumerGroupDescribe's member type of a member using the consumer protocol. */
const CONSUMER_MEMBER_TYPE = 1;

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
    if (group.members.size >= this.settings.maxSize && !group.members.has(memberId)) {
      fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.settings.maxSize} members.`);
    }
    const owned = request.topicPartitions === null ? null : assignmentFromList(request.topicPartitions);
    const { member, replaced } =
      request.instanceId === null
        ? { member: this.dynamicMember(group, memberId, request.memberEpoch, owned, joining), replaced: undefined }
        : this.staticMember(group, memberId, request.memberEpoch, request.instanceId, owned, joining, records);
    const isNew = replaced === undefined && !group.members.has(member.memberId);

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
    };
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

    await this.write(groupId, records);
    if (replacesClassicGroup) this.classic.dropClassicGroup(groupId);
    if (replaced !== undefined) this.cancelMemberTimers(groupId, replaced.memberId);
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
    // Kafka converts a classic group with members online; broker-ts does not (README, known differences).
    return fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`);
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
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
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
    throwIfMemberEpochIsInvalid(existing, memberEpoch, owned);
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
    let records: CoordinatorRecord[];
    if (instanceId === null) {
      const member = group.member(memberId);
      if (member === undefined) fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${groupId}.`);
      this.logger.info({ group: groupId, member: memberId }, 'member left the consumer group');
      records = this.fenceRecords(group, member);
    } else {
      const member = group.staticMember(instanceId);
      if (member === undefined) fail('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`);
      if (member.memberId !== memberId) fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} is fenced by ${member.memberId}.`);
      if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        // Temporarily gone: it keeps its partitions (nobody else gets them) until its session expires.
        this.logger.info({ group: groupId, member: memberId, instance: instanceId }, 'static member left the consumer group for now');
        const leaving: ConsumerGroupMember = { ...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: EMPTY_ASSIGNMENT };
        records = [currentAssignmentRecord(groupId, memberId, assignmentValue(leaving))];
      } else {
        this.logger.info({ group: groupId, member: memberId, instance: instanceId }, 'static member left the consumer group');
        records = this.fenceRecords(group, member);
      }
    }
    await this.write(groupId, records);
    if (memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) this.cancelMemberTimers(groupId, memberId);
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId, memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  }

  /** The member's records removed, and the group epoch bumped so the others are assigned again. */
  private fenceRecords(group: ConsumerGroup, member: ConsumerGroupMember): CoordinatorRecord[] {
    const remaining = [...group.members.values()].filter((m) => m.memberId !== member.memberId);
    return [
      ...removeMemberRecords(group.groupId, member.memberId),
      groupEpochRecord(group.groupId, group.groupEpoch + 1, hashTopics(this.subscribedTopics(remaining))),
    ];
  }

  private fenceMemberLater(groupId: string, memberId: string, reason: string, stillApplies: (member: ConsumerGroupMember) => boolean): void {
    this.serialize(groupId, async () => {
      const member = this.groups.get(groupId)?.member(memberId);
      if (member === undefined || !stillApplies(member) || !this.classic.isServing(groupId)) return;
      this.logger.info({ group: groupId, member: memberId, reason }, 'fencing consumer group member');
      await this.write(groupId, this.fenceRecords(this.groups.get(groupId)!, member));
      this.cancelMemberTimers(groupId, memberId);
    }).catch((error: unknown) => {
      this.logger.warn({ group: groupId, member: memberId, err: error }, 'failed to fence consumer group member: trying again at the next expiry');
      this.scheduleSessionTimeout(groupId, memberId);
    });
  }

  private scheduleSessionTimeout(groupId: string, memberId: string): void {
    this.timers.schedule(sessionKey(groupId, memberId), this.settings.sessionTimeoutMs, () =>
      this.fenceMemberLater(groupId, memberId, 'the member session expired', () => true),
    );
  }

  private updateRebalanceTimeout(groupId: string, member: ConsumerGroupMember): void {
    if (member.state !== MemberState.UNREVOKED_PARTITIONS) {
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

  private cancelMemberTimers(groupId: string, memberId: string): void {
    this.timers.cancel(sessionKey(groupId, memberId));
    this.timers.cancel(rebalanceKey(groupId, memberId));
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
    const groupOf = () => {
      let group = this.groups.get(record.groupId);
      if (group === undefined) this.groups.set(record.groupId, (group = new ConsumerGroup(record.groupId)));
      return group;
    };
    switch (record.type) {
      case ConsumerGroupRecordType.GROUP_METADATA:
        if (record.value === null) {
          this.groups.delete(record.groupId);
          this.timers.cancelPrefix(`${record.groupId}\0`);
        } else {
          const group = groupOf();
          group.groupEpoch = record.value.epoch;
          group.metadataHash = record.value.metadataHash;
        }
        return;
      case ConsumerGroupRecordType.PARTITION_METADATA:
        return;
      case ConsumerGroupRecordType.MEMBER_METADATA: {
        const group = groupOf();
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
        });
        return;
      }
      case ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA:
        if (record.value !== null) groupOf().assignmentEpoch = record.value.assignmentEpoch;
        return;
      case ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER:
        groupOf().setTargetAssignment(record.memberId, record.value === null ? null : assignmentFromList(record.value));
        return;
      case ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT: {
        const group = groupOf();
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
    return [
      consumerGroupTombstone(ConsumerGroupRecordType.TARGET_ASSIGNMENT_METADATA, groupId),
      consumerGroupTombstone(ConsumerGroupRecordType.PARTITION_METADATA, groupId),
      consumerGroupTombstone(ConsumerGroupRecordType.GROUP_METADATA, groupId),
    ];
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
    if (!transactional && apiVersion < 9)
      fail('UNSUPPORTED_VERSION', 'OffsetCommit version 9 or above must be used by members using the consumer group protocol');
    if (memberEpoch === member.memberEpoch) return ok;
    if (memberEpoch > member.memberEpoch)
      fail('STALE_MEMBER_EPOCH', `Received member epoch ${memberEpoch} is newer than current member epoch ${member.memberEpoch}.`);
    return (topic, partition) => {
      const topicId = this.topics.topic(topic)?.id;
      const assignedAt = topicId === undefined ? undefined : member.assignmentEpochs.get(partitionKey(topicId, partition));
      return assignedAt !== undefined && assignedAt <= memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
    };
  }

  /** Kafka's ConsumerGroup.validateOffsetFetch: a member fetching gives its current epoch. */
  validateOffsetFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
    if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
    const member = memberId === null ? undefined : group.member(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    return memberEpoch === member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
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
        memberType: CONSUMER_MEMBER_TYPE,
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

/** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid. */
function validateHeartbeat(request: HeartbeatRequest, assignors: readonly ServerAssignor[]): void {
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
function throwIfMemberEpochIsInvalid(member: ConsumerGroupMember, received: number, owned: Assignment | null): void {
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

function compileRegex(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`, 'u');
  } catch (error) {
    return fail('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex ${regex} is not a valid regular expression: ${(error as Error).message}`);
  }
}

function emptyToNull(value: string): string | null {
  return value === '' ? null : value;
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

function removeMemberRecords(groupId: string, memberId: string): CoordinatorRecord[] {
  return [
    consumerGroupTombstone(ConsumerGroupRecordType.CURRENT_MEMBER_ASSIGNMENT, groupId, memberId),
    consumerGroupTombstone(ConsumerGroupRecordType.TARGET_ASSIGNMENT_MEMBER, groupId, memberId),
    consumerGroupTombstone(ConsumerGroupRecordType.MEMBER_METADATA, groupId, memberId),
  ];
}

function metadataValue(member: ConsumerGroupMember) {
  return {
    instanceId: member.instanceId,
    rackId: member.rackId,
    clientId: member.clientId,
    clientHost: member.clientHost,
    subscribedTopicNames: [...member.subscribedTopicNames],
    subscribedTopicRegex: member.subscribedTopicRegex,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    serverAssignor: member.serverAssignor,
    classicMemberMetadata: null,
  };
}

function assignmentValue(member: ConsumerGroupMember) {
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

function storedList(assignment: Assignment): StoredTopicPartitions[] {
  return assignmentToList(assignment).map((tp) => ({ ...tp, assignmentEpochs: null }));
}

/** Records written before assignment epochs were kept count every partition as held since the member's epoch. */
function storedEpochs(lists: readonly StoredTopicPartitions[], memberEpoch: number): Map<string, number> {
  const epochs = new Map<string, number>();
  for (const { topicId, partitions, assignmentEpochs } of lists) {
    partitions.forEach((p, i) => epochs.set(partitionKey(topicId, p), assignmentEpochs?.[i] ?? memberEpoch));
  }
  return epochs;
}

function knownState(state: number): MemberState {
  return state === MemberState.STABLE || state === MemberState.UNREVOKED_PARTITIONS || state === MemberState.UNRELEASED_PARTITIONS
    ? state
    : MemberState.UNKNOWN;
}

function sessionKey(groupId: string, memberId: string): string {
  return `${groupId}\0session\0${memberId}`;
}

function rebalanceKey(groupId: string, memberId: string): string {
  return `${groupId}\0rebalance\0${memberId}`;
}
