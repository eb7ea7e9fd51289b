// Replication control (KRaft's ReplicationControlManager): topics and partitions. It plans topic
// creation and deletion, new partitions, ISR changes a leader asks for (AlterPartition), and the
// leader elections and ISR shrinks that follow a broker leaving or joining, checking each against
// the image and answering with the records to commit. It writes nothing itself: the controller
// commits what it plans, one operation at a time.
import type { ConfigResolver } from '../config/config-resolver.js';
import { ErrorCode, schema } from '@kafka-chaos/protocol';
import { ConfigError } from '../config/config-error.js';
import { ApiError } from '../errors/api-error.js';
import type { Logger } from '../logging/logger.js';
import { validatedTopicConfigs } from './config-control.js';
import { randomKafkaUuid } from './kafka-uuid.js';
import type { MetadataImage, PartitionRegistration } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType, NO_LEADER, NO_LEADER_CHANGE, partitionChange } from './metadata-records.js';
import { eligibleLeaderReplicasEnabled } from './features.js';
import {
  changeForDeparture,
  changeForElection,
  changeForIsr,
  changeForUncleanShutdown,
  changeRecordFields,
  preferredLeaderElection,
  uncleanLeaderElection,
} from './partition-election.js';
import type { ElectionRules, PartitionChange } from './partition-election.js';
import { completeIfCaughtUp, replicaSetChangeRecord } from './partition-reassignment.js';
import { placeReplicas, validateAssignment } from './replica-placement.js';
import { isInternalTopic, unifyCollisionChars, validateTopicName } from './topic-names.js';

const ZERO_UUID = schema.ZERO_UUID;

/** Kafka's messages for the errors of ElectLeaders (its Errors enum's own). */
const ELECTION_MESSAGES = {
  notNeeded: 'Leader election not needed for topic partition.',
  preferredNotAvailable: 'The preferred leader was not available.',
  eligibleNotAvailable: 'Eligible topic partition leaders are not available.',
};

export interface NewTopic {
  name: string;
  /** -1: num.partitions. */
  numPartitions: number;
  /** -1: default.replication.factor. */
  replicationFactor: number;
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs: readonly { name: string; value: string | null }[];
}

export interface CreatedTopic {
  name: string;
  topicId: string | undefined;
  error: ApiError | undefined;
  numPartitions: number;
  replicationFactor: number;
  configs: ReadonlyMap<string, string>;
}

export interface TopicReference {
  name?: string | null;
  topicId?: string;
}

export interface DeletedTopic {
  name: string | null;
  topicId: string;
  error: ApiError | undefined;
}

export interface NewPartitions {
  name: string;
  count: number;
  assignments: readonly { brokerIds: readonly number[] }[] | null;
}

export interface AlterPartitionItem {
  topicId: string;
  partitionIndex: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: readonly { brokerId: number; brokerEpoch: bigint }[];
}

export interface ReplicationSettings {
  numPartitions: number;
  defaultReplicationFactor: number;
  deleteTopicEnable: boolean;
  /** broker.ts.bug.elect.any.replica */
  electAnyReplica: boolean;
}

/** What an operation decided: its answers, and the records that make it so once committed. */
/** ElectLeaders' election types (KIP-460). */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

export interface ElectionResult {
  topic: string;
  partitions: { partitionId: number; error: ApiError | undefined }[];
}

export interface Plan<T> {
  results: T;
  records: MetadataRecord[];
}

export class ReplicationControl {
  constructor(
    private readonly image: MetadataImage,
    private readonly settings: ReplicationSettings,
    private readonly configs: ConfigResolver,
    private readonly logger: Logger,
  ) {}

  /**
   * The partition changes that follow from brokers leaving (`departing`, no longer eligible) or
   * joining (`joining`, now eligible): ISR shrinks and leader elections, as PartitionChangeRecords.
   * `uncleanShutdown` names a broker registering again after an unclean shutdown: it leaves every ELR.
   */
  partitionChanges(unavailable: ReadonlySet<number>, departing: readonly number[], joining?: number, uncleanShutdown?: number): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    const eligible = (id: number) => {
      if (unavailable.has(id)) return false;
      const broker = this.image.broker(id);
      return broker !== undefined && (id === joining || (!broker.fenced && !broker.inControlledShutdown));
    };
    for (const topic of this.image.topics()) {
      const rules = { ...this.electionRules(topic.name, eligible), ...(uncleanShutdown !== undefined ? { uncleanShutdown: [uncleanShutdown] } : {}) };
      for (const partition of topic.partitions.values()) {
        let current = partition;
        const apply = (change: PartitionChange | undefined) => {
          if (change !== undefined) current = { ...current, ...change };
        };
        apply(changeForUncleanShutdown(current, rules));
        for (const brokerId of departing) apply(changeForDeparture(current, brokerId, rules));
        apply(changeForElection(current, rules));
        if (current === partition) continue;
        const fields = changeRecordFields(partition, current);
        if (fields.leader === NO_LEADER_CHANGE && fields.isr === null && fields.eligibleLeaderReplicas === null && fields.lastKnownElr === null) continue;
        this.logger.info(
          { topic: topic.name, partition: partition.partition, leader: current.leader, isr: current.isr, elr: current.elr, lastKnownElr: current.lastKnownElr },
          'partition change',
        );
        records.push(partitionChange(topic.id, partition.partition, fields));
      }
    }
    return records;
  }

  /**
   * How a topic's partitions elect: its unclean.leader.election.enable and, with eligible leader
   * replicas on, its min.insync.replicas as KRaft takes it (the topic's, else the cluster's, never
   * above the replica count).
   */
  private electionRules(topicName: string, eligible: (id: number) => boolean): ElectionRules {
    const configs = this.image.topicConfigs(topicName);
    const rules: ElectionRules = {
      eligible,
      unclean: this.configs.topicValue('unclean.leader.election.enable', configs) === true,
      electAnyReplica: this.settings.electAnyReplica,
    };
    if (!eligibleLeaderReplicasEnabled(this.image.finalizedFeatures())) return rules;
    const replicationFactor = this.image.topic(topicName)?.partitions.get(0)?.replicas.length ?? 1;
    return { ...rules, elr: { minIsr: Math.min(this.configs.topicValue('min.insync.replicas', configs) as number, replicationFactor) } };
  }

  /**
   * ISR changes a partition leader asks for, each checked as Kafka checks them (leader, epochs,
   * eligible members); the answer names the topic of each accepted or leader-checked item.
   */
  alterPartition(brokerId: number, items: readonly AlterPartitionItem[]): Plan<{ errorCode: number; topic: string | undefined }[]> {
    const records: MetadataRecord[] = [];
    const results = items.map((item): { errorCode: number; topic: string | undefined } => {
      const topic = this.image.topicById(item.topicId);
      const partition = topic?.partitions.get(item.partitionIndex);
      if (topic === undefined || partition === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic: undefined };
      if (partition.leader !== brokerId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, topic: topic.name };
      if (item.leaderEpoch !== partition.leaderEpoch) return { errorCode: ErrorCode.FENCED_LEADER_EPOCH, topic: topic.name };
      if (item.partitionEpoch !== partition.partitionEpoch) return { errorCode: ErrorCode.INVALID_UPDATE_VERSION, topic: topic.name };
      const newIsr = item.newIsr.map((m) => m.brokerId);
      for (const member of item.newIsr) {
        const registration = this.image.broker(member.brokerId);
        const eligible =
          registration !== undefined &&
          !registration.fenced &&
          !registration.inControlledShutdown &&
          (member.brokerEpoch === -1n || member.brokerEpoch === registration.epoch);
        if (!eligible && !partition.isr.includes(member.brokerId)) return { errorCode: ErrorCode.INELIGIBLE_REPLICA, topic: topic.name };
        if (!partition.replicas.includes(member.brokerId)) return { errorCode: ErrorCode.INVALID_REQUEST, topic: topic.name };
      }
      if (!newIsr.includes(brokerId) || newIsr.length === 0) return { errorCode: ErrorCode.INVALID_REQUEST, topic: topic.name };
      // The ISR change that brings the last adding replica in completes its reassignment.
      const completed = completeIfCaughtUp(
        {
          replicas: [...partition.replicas],
          isr: newIsr,
          leader: partition.leader,
          addingReplicas: [...partition.addingReplicas],
          removingReplicas: [...partition.removingReplicas],
        },
        (id) => this.isEligible(id),
      );
      if (completed === undefined) {
        const change = changeForIsr(
          partition,
          newIsr,
          this.electionRules(topic.name, (id) => this.isEligible(id)),
        );
        records.push(partitionChange(topic.id, partition.partition, changeRecordFields(partition, change)));
        return { errorCode: ErrorCode.NONE, topic: topic.name };
      }
      records.push(replicaSetChangeRecord(partition, completed)!);
      this.logger.info({ topic: topic.name, partition: partition.partition, replicas: completed.replicas, leader: completed.leader }, 'reassignment completed');
      // As KRaft: a leader moved off the partition is told a new leader was elected.
      return { errorCode: completed.leader === partition.leader ? ErrorCode.NONE : ErrorCode.NEW_LEADER_ELECTED, topic: topic.name };
    });
    return { results, records };
  }

  /**
   * ElectLeaders, as KRaft's ReplicationControlManager.electLeaders: each partition named (every
   * partition when `partitions` is null, leaving out those that need no election) gets its
   * preferred replica as leader, or, unclean, a leader if it has none.
   */
  electLeaders(electionType: number, partitions: readonly { topic: string; partitions: readonly number[] }[] | null): Plan<ElectionResult[]> {
    if (electionType !== ElectionType.PREFERRED && electionType !== ElectionType.UNCLEAN)
      throw new ApiError(ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}`);
    const records: MetadataRecord[] = [];
    const electOne = (topicName: string, partitionId: number): ApiError | undefined => {
      const topic = this.image.topic(topicName);
      if (topic === undefined) return new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such topic as ${topicName}`);
      const rules: ElectionRules = { ...this.electionRules(topicName, (id) => this.isEligible(id)), unclean: false, electAnyReplica: false };
      const partition = topic.partitions.get(partitionId);
      if (partition === undefined) return new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such partition as ${topicName}-${partitionId}`);
      const preferred = electionType === ElectionType.PREFERRED;
      if (preferred ? partition.leader === partition.replicas[0] : partition.leader !== NO_LEADER)
        return new ApiError(ErrorCode.ELECTION_NOT_NEEDED, ELECTION_MESSAGES.notNeeded);
      const change = preferred ? preferredLeaderElection(partition, rules) : uncleanLeaderElection(partition, rules);
      if (change === undefined)
        return preferred
          ? new ApiError(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, ELECTION_MESSAGES.preferredNotAvailable)
          : new ApiError(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, ELECTION_MESSAGES.eligibleNotAvailable);
      const fields = changeRecordFields(partition, change);
      this.logger.info(
        { topic: topicName, partition: partitionId, leader: change.leader, isr: change.isr, election: preferred ? 'preferred' : 'unclean' },
        'partition change',
      );
      records.push(partitionChange(topic.id, partitionId, fields));
      return undefined;
    };
    if (partitions === null) {
      const results = [...this.image.topics()].map((topic) => ({
        topic: topic.name,
        partitions: [...topic.partitions.keys()]
          .map((partitionId) => ({ partitionId, error: electOne(topic.name, partitionId) }))
          .filter((r) => r.error?.code !== ErrorCode.ELECTION_NOT_NEEDED),
      }));
      return { results, records };
    }
    const results = partitions.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((partitionId) => ({ partitionId, error: electOne(t.topic, partitionId) })),
    }));
    return { results, records };
  }

  createTopics(topics: readonly NewTopic[], validateOnly: boolean): Plan<CreatedTopic[]> {
    const records: MetadataRecord[] = [];
    const claimed = new Set<string>();
    const { unique, duplicated } = splitDuplicates(topics, (t) => t.name);
    const results = unique.map((topic): CreatedTopic => {
      const result: CreatedTopic = {
        name: topic.name,
        topicId: undefined,
        error: undefined,
        numPartitions: -1,
        replicationFactor: -1,
        configs: new Map(),
      };
      try {
        const planned = this.planTopic(topic, claimed);
        Object.assign(result, { numPartitions: planned.assignments.length, replicationFactor: planned.assignments[0]!.length, configs: planned.configs });
        claimed.add(unifyCollisionChars(topic.name));
        if (!validateOnly) {
          result.topicId = randomKafkaUuid();
          records.push(...topicRecords(topic.name, result.topicId, planned.assignments, planned.configs));
        }
      } catch (error) {
        result.error = asApiError(error);
      }
      return result;
    });
    for (const name of duplicated) {
      results.push({
        name,
        topicId: undefined,
        error: ApiError.of('INVALID_REQUEST', 'Duplicate topic name.'),
        numPartitions: -1,
        replicationFactor: -1,
        configs: new Map(),
      });
    }
    return { results, records };
  }

  deleteTopics(references: readonly TopicReference[]): Plan<DeletedTopic[]> {
    const records: MetadataRecord[] = [];
    const removing = new Set<string>();
    // Kafka's ControllerApis answers each v6 entry with neither a name nor an id on its own (they
    // are no duplicates of one another), ahead of the others.
    const isUnnamed = (r: TopicReference) => r.name == null && (r.topicId === undefined || r.topicId === ZERO_UUID);
    const unnamed = references
      .filter(isUnnamed)
      .map((): DeletedTopic => ({ name: null, topicId: ZERO_UUID, error: ApiError.of('INVALID_REQUEST', 'Neither topic name nor id were specified.') }));
    const { unique, duplicated } = splitDuplicates(
      references.filter((r) => !isUnnamed(r)),
      (r) => (r.topicId !== undefined && r.topicId !== ZERO_UUID ? `id:${r.topicId}` : `name:${r.name}`),
    );
    const results = unique.map((reference): DeletedTopic => {
      const byId = reference.topicId !== undefined && reference.topicId !== ZERO_UUID;
      const topic = byId ? this.image.topicById(reference.topicId!) : this.image.topic(reference.name ?? '');
      const result: DeletedTopic = { name: topic?.name ?? reference.name ?? null, topicId: topic?.id ?? reference.topicId ?? ZERO_UUID, error: undefined };
      if (byId && reference.name != null) result.error = ApiError.of('INVALID_REQUEST', 'Topic name and topic id cannot both be set.');
      else if (topic === undefined) {
        result.error = byId
          ? ApiError.of('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.')
          : ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
      } else if (!this.settings.deleteTopicEnable) result.error = ApiError.of('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
      else if (removing.has(topic.id)) result.error = ApiError.of('INVALID_REQUEST', 'Duplicate topic in the request.');
      else {
        removing.add(topic.id);
        records.push({ type: 'RemoveTopic', data: { topicId: topic.id } });
      }
      return result;
    });
    for (const key of duplicated) {
      const byId = key.startsWith('id:');
      results.push({
        name: byId ? null : key.slice(5),
        topicId: byId ? key.slice(3) : ZERO_UUID,
        error: ApiError.of('INVALID_REQUEST', byId ? 'Duplicate topic id.' : 'Duplicate topic name.'),
      });
    }
    return { results: [...unnamed, ...results], records };
  }

  createPartitions(requests: readonly NewPartitions[], validateOnly: boolean): Plan<{ name: string; error: ApiError | undefined }[]> {
    const records: MetadataRecord[] = [];
    const { unique, duplicated } = splitDuplicates(requests, (r) => r.name);
    const results: { name: string; error: ApiError | undefined }[] = unique.map((request) => {
      try {
        const newRecords = this.planPartitions(request);
        if (!validateOnly) records.push(...newRecords);
        return { name: request.name, error: undefined };
      } catch (error) {
        return { name: request.name, error: asApiError(error) };
      }
    });
    for (const name of duplicated) results.push({ name, error: ApiError.of('INVALID_REQUEST', 'Duplicate topic name.') });
    return { results, records };
  }

  /** A broker that may lead or join an ISR: registered, unfenced, not shutting down. */
  private isEligible(brokerId: number): boolean {
    const broker = this.image.broker(brokerId);
    return broker !== undefined && !broker.fenced && !broker.inControlledShutdown;
  }

  /** Whether the broker still leads a partition (a controlled shutdown waits until it does not). */
  leadsAnyPartition(brokerId: number): boolean {
    return [...this.image.topics()].some((t) => [...t.partitions.values()].some((p) => p.leader === brokerId));
  }

  /** The partition as the image has it after the commit. */
  partitionState(topic: string, partition: number): PartitionRegistration | undefined {
    return this.image.partition(topic, partition);
  }

  private planTopic(topic: NewTopic, claimed: ReadonlySet<string>): { assignments: number[][]; configs: Map<string, string> } {
    validateTopicName(topic.name);
    if (this.image.topic(topic.name) !== undefined) throw ApiError.of('TOPIC_ALREADY_EXISTS', `Topic '${topic.name}' already exists.`);
    const unified = unifyCollisionChars(topic.name);
    const collision = [...this.image.topics()].find((t) => unifyCollisionChars(t.name) === unified);
    if (collision !== undefined || claimed.has(unified)) {
      throw ApiError.of('INVALID_TOPIC_EXCEPTION', `Topic '${topic.name}' collides with existing topic: ${collision?.name ?? topic.name}`);
    }
    const configs = validatedTopicConfigs(topic.configs);
    const brokers = this.image.unfencedBrokers().map((b) => b.id);
    if (topic.assignments.length > 0) {
      if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
        throw ApiError.of('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.');
      }
      const registered = new Set(this.image.unfencedBrokers().map((b) => b.id));
      const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
      sorted.forEach((assignment, i) => {
        if (assignment.partitionIndex !== i) throw ApiError.of('INVALID_REPLICA_ASSIGNMENT', `Partitions should be a consecutive 0-based integer sequence`);
        validateAssignment(assignment.brokerIds, registered, i);
      });
      const replicationFactor = sorted[0]!.brokerIds.length;
      if (sorted.some((a) => a.brokerIds.length !== replicationFactor)) {
        throw ApiError.of('INVALID_REPLICA_ASSIGNMENT', 'All partitions in the manual partition assignment must have the same number of replicas.');
      }
      return { assignments: sorted.map((a) => [...a.brokerIds]), configs };
    }
    const numPartitions = topic.numPartitions === -1 ? this.settings.numPartitions : topic.numPartitions;
    if (numPartitions <= 0) throw ApiError.of('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    const replicationFactor = topic.replicationFactor === -1 ? this.settings.defaultReplicationFactor : topic.replicationFactor;
    if (replicationFactor <= 0) throw ApiError.of('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.');
    return { assignments: placeReplicas(brokers, 0, numPartitions, replicationFactor), configs };
  }

  private planPartitions(request: NewPartitions): MetadataRecord[] {
    const topic = this.image.topic(request.name);
    if (topic === undefined) throw new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
    const current = topic.partitions.size;
    if (request.count < current) {
      throw ApiError.of('INVALID_PARTITIONS', `The topic ${request.name} currently has ${current} partition(s); ${request.count} would not be an increase.`);
    }
    if (request.count === current) throw ApiError.of('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
    if (isInternalTopic(request.name)) throw ApiError.of('INVALID_REQUEST', `Cannot increase the number of partitions of internal topic ${request.name}.`);
    const added = request.count - current;
    const replicationFactor = topic.partitions.get(0)?.replicas.length ?? 1;
    let assignments: number[][];
    if (request.assignments !== null) {
      if (request.assignments.length !== added) {
        throw ApiError.of(
          'INVALID_REPLICA_ASSIGNMENT',
          `Attempted to add ${added} additional partition(s), but only ${request.assignments.length} assignment(s) were specified.`,
        );
      }
      const registered = new Set(this.image.unfencedBrokers().map((b) => b.id));
      request.assignments.forEach((assignment, i) => {
        validateAssignment(assignment.brokerIds, registered, current + i);
        // Kafka's validateManualPartitionAssignment: new partitions keep the topic's replica count.
        if (assignment.brokerIds.length !== replicationFactor) {
          throw ApiError.of(
            'INVALID_REPLICA_ASSIGNMENT',
            `The manual partition assignment includes a partition with ${assignment.brokerIds.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
          );
        }
      });
      assignments = request.assignments.map((a) => [...a.brokerIds]);
    } else {
      assignments = placeReplicas(
        this.image.unfencedBrokers().map((b) => b.id),
        current,
        added,
        replicationFactor,
      );
    }
    return assignments.map((replicas, i) => partitionRecord(topic.id, current + i, replicas));
  }
}

/** An error a plan answers with: an ApiError as it is, a config error as INVALID_CONFIG. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ConfigError) return ApiError.of('INVALID_CONFIG', error.message);
  throw error;
}

function partitionRecord(topicId: string, partitionId: number, replicas: number[]): MetadataRecord {
  return {
    type: 'Partition',
    data: {
      partitionId,
      topicId,
      replicas,
      isr: replicas,
      removingReplicas: [],
      addingReplicas: [],
      leader: replicas[0]!,
      leaderEpoch: 0,
      partitionEpoch: 0,
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}

function topicRecords(name: string, topicId: string, assignments: number[][], configs: ReadonlyMap<string, string>): MetadataRecord[] {
  return [
    { type: 'Topic', data: { name, topicId } },
    ...[...configs].map(([configName, value]): MetadataRecord => ({
      type: 'Config',
      data: { resourceType: ConfigResourceType.TOPIC, resourceName: name, name: configName, value },
    })),
    ...assignments.map((replicas, i) => partitionRecord(topicId, i, replicas)),
  ];
}

/**
 * Kafka answers a name given twice in one admin request once, with INVALID_REQUEST, after the
 * answers to the other entries.
 */
function splitDuplicates<T>(items: readonly T[], keyOf: (item: T) => string): { unique: T[]; duplicated: string[] } {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return {
    unique: items.filter((item) => counts.get(keyOf(item)) === 1),
    duplicated: [...counts].filter(([, count]) => count > 1).map(([key]) => key),
  };
}
