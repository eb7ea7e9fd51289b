// The controller (KRaft's QuorumController with its cluster and replication control): validates
// admin changes, broker registrations, heartbeats and ISR changes against the metadata image, turns
// them into metadata records and commits them through the metadata quorum; every node then applies
// them to its image in log order (metadata-loader.ts).
import type { Logger } from '../logging/logger.js';
import type { ConfigResolver } from '../config/config-resolver.js';
import { ConfigError } from '../config/config-error.js';
import { NotDynamicError, validateBrokerConfigs, validateTopicConfigs } from '../config/config-validation.js';
import { ErrorCode, schema } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import { randomKafkaUuid } from './kafka-uuid.js';
import type { MetadataImage, PartitionRegistration, TopicImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType, NO_LEADER_CHANGE } from './metadata-records.js';
import { changeForDeparture, changeForElection, changeRecordFields } from './partition-election.js';
import type { ElectionRules } from './partition-election.js';
import { placeReplicas, validateAssignment } from './replica-placement.js';
import { isInternalTopic, unifyCollisionChars, validateTopicName } from './topic-names.js';

const ZERO_UUID = schema.ZERO_UUID;

/** Producer ids are handed to brokers in blocks (KRaft's AllocateProducerIds). */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

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

export interface ConfigResourceChange {
  resourceType: number;
  resourceName: string;
  configs: readonly { name: string; value: string | null }[];
}

export interface BrokerEndpointRegistration {
  name: string;
  host: string;
  port: number;
}

/** What the controller needs from the metadata quorum. */
export interface ControllerQuorum {
  /** This node leads the quorum and has applied everything committed before its epoch. */
  readonly isActive: boolean;
  /** Appends records as the leader and resolves once they are committed and applied to the image; rejects with NOT_CONTROLLER if leadership is lost first. */
  commit(records: readonly MetadataRecord[]): Promise<void>;
  /** The offset the next appended record will get (a new broker epoch). */
  readonly nextOffset: bigint;
}

export interface ControllerSettings {
  nodeId: number;
  numPartitions: number;
  defaultReplicationFactor: number;
  deleteTopicEnable: boolean;
  brokerSessionTimeoutMs: number;
  /** broker.ts.bug.elect.any.replica */
  electAnyReplica: boolean;
}

export interface BrokerRegistrationRequest {
  brokerId: number;
  incarnationId: string;
  listeners: readonly { name: string; host: string; port: number; securityProtocol: number }[];
  rack: string | null;
}

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: bigint;
  currentMetadataOffset: bigint;
  wantFence: boolean;
  wantShutDown: boolean;
}

export interface HeartbeatResult {
  errorCode: number;
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutDown: boolean;
}

export interface AlterPartitionItem {
  topicId: string;
  partitionIndex: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: readonly { brokerId: number; brokerEpoch: bigint }[];
}

export interface AlterPartitionResult {
  errorCode: number;
  state: PartitionRegistration | undefined;
}

/**
 * The active controller: the only writer of the metadata log. Every node has one; it acts only while
 * its node leads the metadata quorum (other nodes forward their requests to it). Operations run one
 * at a time, like KRaft's controller event queue, each validating against the committed image left
 * by the one before. Broker liveness (heartbeat leases) is kept in memory and rebuilt by each new
 * active controller, as in KRaft.
 */
export class Controller {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly leases = new Map<number, number>();
  private wasActive = false;

  constructor(
    private readonly image: MetadataImage,
    private readonly quorum: ControllerQuorum,
    private readonly settings: ControllerSettings,
    private readonly configs: ConfigResolver,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get isActive(): boolean {
    return this.quorum.isActive;
  }

  /** Called on quorum and image changes: a newly active controller gives every broker a fresh lease. */
  onQuorumChange(): void {
    const active = this.quorum.isActive;
    if (active && !this.wasActive) {
      const now = this.now();
      this.leases.clear();
      for (const broker of this.image.brokers()) this.leases.set(broker.id, now);
      this.logger.info({ brokers: [...this.leases.keys()] }, 'became the active controller');
    }
    this.wasActive = active;
  }

  /** Periodic work of the active controller: fence brokers whose lease expired, elect leaders where possible. */
  tick(): Promise<void> {
    if (!this.quorum.isActive) return Promise.resolve();
    return this.enqueue(async () => {
      const now = this.now();
      const records: MetadataRecord[] = [];
      const departed: number[] = [];
      for (const broker of this.image.brokers()) {
        if (broker.fenced) continue;
        const last = this.leases.get(broker.id) ?? now;
        if (now - last > this.settings.brokerSessionTimeoutMs) {
          this.logger.info({ brokerId: broker.id, silentMs: now - last }, 'fencing a broker whose session expired');
          records.push({ type: 'BrokerRegistrationChange', data: { brokerId: broker.id, brokerEpoch: broker.epoch, fenced: 1, inControlledShutdown: 0 } });
          departed.push(broker.id);
        }
      }
      const unavailable = new Set(departed);
      records.push(...this.partitionChanges(unavailable, departed));
      await this.commit(records);
    }, false);
  }

  registerBroker(request: BrokerRegistrationRequest): Promise<bigint> {
    return this.enqueue(async () => {
      const brokerEpoch = this.quorum.nextOffset;
      const existing = this.image.broker(request.brokerId);
      const records: MetadataRecord[] = [
        {
          type: 'RegisterBroker',
          data: {
            brokerId: request.brokerId,
            incarnationId: request.incarnationId,
            brokerEpoch,
            endPoints: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
            rack: request.rack,
            fenced: true,
          },
        },
      ];
      // A new incarnation replaces the old one: it leaves its partitions (leadership, ISR) until it catches up again.
      if (existing !== undefined) records.push(...this.partitionChanges(new Set([request.brokerId]), [request.brokerId]));
      this.leases.set(request.brokerId, this.now());
      await this.quorum.commit(records);
      this.logger.info({ brokerId: request.brokerId, brokerEpoch }, 'registered broker');
      return brokerEpoch;
    });
  }

  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResult> {
    return this.enqueue(async () => {
      const broker = this.image.broker(request.brokerId);
      if (broker === undefined) return { errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, isCaughtUp: false, isFenced: true, shouldShutDown: false };
      if (broker.epoch !== request.brokerEpoch) return { errorCode: ErrorCode.STALE_BROKER_EPOCH, isCaughtUp: false, isFenced: true, shouldShutDown: false };
      this.leases.set(request.brokerId, this.now());
      const caughtUp = request.currentMetadataOffset >= broker.registeredAt;
      const records: MetadataRecord[] = [];
      if (request.wantShutDown) {
        if (!broker.inControlledShutdown) {
          this.logger.info({ brokerId: broker.id }, 'controlled shutdown: moving leadership off the broker');
          records.push({ type: 'BrokerRegistrationChange', data: { brokerId: broker.id, brokerEpoch: broker.epoch, fenced: 0, inControlledShutdown: 1 } });
          records.push(...this.partitionChanges(new Set([broker.id]), [broker.id]));
        }
      } else if (broker.fenced && caughtUp && !request.wantFence) {
        records.push({ type: 'BrokerRegistrationChange', data: { brokerId: broker.id, brokerEpoch: broker.epoch, fenced: -1, inControlledShutdown: 0 } });
        records.push(...this.partitionChanges(new Set(), [], broker.id));
      }
      await this.commit(records);
      const current = this.image.broker(request.brokerId)!;
      const leads = [...this.image.topics()].some((t) => [...t.partitions.values()].some((p) => p.leader === current.id));
      return { errorCode: ErrorCode.NONE, isCaughtUp: caughtUp, isFenced: current.fenced, shouldShutDown: request.wantShutDown && !leads };
    });
  }

  alterPartition(brokerId: number, brokerEpoch: bigint, items: readonly AlterPartitionItem[]): Promise<AlterPartitionResult[]> {
    return this.enqueue(async () => {
      const broker = this.image.broker(brokerId);
      if (broker === undefined || (brokerEpoch !== -1n && broker.epoch !== brokerEpoch)) {
        return items.map(() => ({ errorCode: ErrorCode.STALE_BROKER_EPOCH, state: undefined }));
      }
      const records: MetadataRecord[] = [];
      const outcomes = items.map((item): { errorCode: number; topic: string | undefined } => {
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
        records.push({
          type: 'PartitionChange',
          data: { partitionId: partition.partition, topicId: topic.id, isr: newIsr, leader: NO_LEADER_CHANGE, replicas: null },
        });
        return { errorCode: ErrorCode.NONE, topic: topic.name };
      });
      await this.commit(records);
      return outcomes.map((outcome, i) => ({
        errorCode: outcome.errorCode,
        state: outcome.topic === undefined ? undefined : this.image.partition(outcome.topic, items[i]!.partitionIndex),
      }));
    });
  }

  /**
   * The partition changes that follow from brokers leaving (`departing`, no longer eligible) or
   * joining (`joining`, now eligible): ISR shrinks and leader elections, as PartitionChangeRecords.
   */
  private partitionChanges(unavailable: ReadonlySet<number>, departing: readonly number[], joining?: number): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    const eligible = (id: number) => {
      if (unavailable.has(id)) return false;
      const broker = this.image.broker(id);
      return broker !== undefined && (id === joining || (!broker.fenced && !broker.inControlledShutdown));
    };
    for (const topic of this.image.topics()) {
      const unclean = this.configs.topicValue('unclean.leader.election.enable', this.image.topicConfigs(topic.name)) === true;
      const rules: ElectionRules = { eligible, unclean, electAnyReplica: this.settings.electAnyReplica };
      for (const partition of topic.partitions.values()) {
        let current = partition;
        for (const brokerId of departing) {
          const change = changeForDeparture(current, brokerId, rules);
          if (change !== undefined) current = { ...current, ...change };
        }
        const election = changeForElection(current, rules);
        if (election !== undefined) current = { ...current, ...election };
        if (current === partition) continue;
        const fields = changeRecordFields(partition, { leader: current.leader, isr: [...current.isr] });
        if (fields.leader === NO_LEADER_CHANGE && fields.isr === null) continue;
        this.logger.info({ topic: topic.name, partition: partition.partition, leader: current.leader, isr: current.isr }, 'partition change');
        records.push({
          type: 'PartitionChange',
          data: { partitionId: partition.partition, topicId: topic.id, isr: fields.isr, leader: fields.leader, replicas: null },
        });
      }
    }
    return records;
  }

  createTopics(topics: readonly NewTopic[], validateOnly: boolean): Promise<CreatedTopic[]> {
    return this.enqueue(async () => {
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
      await this.commit(records);
      for (const result of results) {
        if (result.topicId !== undefined) {
          this.logger.info(
            { topic: result.name, topicId: result.topicId, partitions: result.numPartitions, replicationFactor: result.replicationFactor },
            'created topic',
          );
        }
      }
      return results;
    });
  }

  deleteTopics(references: readonly TopicReference[]): Promise<DeletedTopic[]> {
    return this.enqueue(async () => {
      const records: MetadataRecord[] = [];
      const removing = new Set<string>();
      const { unique, duplicated } = splitDuplicates(references, (r) =>
        r.topicId !== undefined && r.topicId !== ZERO_UUID ? `id:${r.topicId}` : `name:${r.name}`,
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
      await this.commit(records);
      for (const result of results) if (result.error === undefined) this.logger.info({ topic: result.name, topicId: result.topicId }, 'deleted topic');
      return results;
    });
  }

  createPartitions(requests: readonly NewPartitions[], validateOnly: boolean): Promise<{ name: string; error: ApiError | undefined }[]> {
    return this.enqueue(async () => {
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
      await this.commit(records);
      return results;
    });
  }

  /** Legacy AlterConfigs: each resource's given configs replace all its previous ones. */
  alterConfigs(resources: readonly ConfigResourceChange[], validateOnly: boolean): Promise<{ error: ApiError | undefined }[]> {
    return this.enqueue(async () => {
      const records: MetadataRecord[] = [];
      const results = resources.map((resource) => {
        try {
          const changes = this.planConfigChanges(resource);
          if (!validateOnly) records.push(...changes);
          return { error: undefined };
        } catch (error) {
          return { error: asApiError(error) };
        }
      });
      await this.commit(records);
      return results;
    });
  }

  /** Reserves a block of producer ids for a broker; resolves with its first id once the reservation is committed. */
  allocateProducerIds(brokerId: number, brokerEpoch: bigint): Promise<bigint> {
    return this.enqueue(async () => {
      const broker = this.image.broker(brokerId);
      if (broker === undefined || broker.epoch !== brokerEpoch) throw ApiError.of('STALE_BROKER_EPOCH');
      const first = this.image.nextProducerId;
      await this.quorum.commit([{ type: 'ProducerIds', data: { brokerId, brokerEpoch, nextProducerId: first + BigInt(PRODUCER_ID_BLOCK_SIZE) } }]);
      return first;
    });
  }

  /** Waits for the operations queued so far (shutdown). */
  async drain(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /** Runs operations one at a time, and only while this node is the active controller. */
  private enqueue<T>(operation: () => Promise<T>, requireActive = true): Promise<T> {
    const guarded = () => {
      if (requireActive && !this.quorum.isActive) throw ApiError.of('NOT_CONTROLLER', 'This node is not the active controller.');
      return operation();
    };
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(records: readonly MetadataRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.quorum.commit(records);
  }

  private planTopic(topic: NewTopic, claimed: ReadonlySet<string>): { assignments: number[][]; configs: Map<string, string> } {
    validateTopicName(topic.name);
    if (this.image.topic(topic.name) !== undefined) throw ApiError.of('TOPIC_ALREADY_EXISTS', `Topic '${topic.name}' already exists.`);
    const unified = unifyCollisionChars(topic.name);
    const collision = [...this.image.topics()].find((t) => unifyCollisionChars(t.name) === unified);
    if (collision !== undefined || claimed.has(unified)) {
      throw ApiError.of('INVALID_TOPIC_EXCEPTION', `Topic '${topic.name}' collides with existing topic: ${collision?.name ?? topic.name}`);
    }
    const configs = validateConfigs(topic.configs);
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
      request.assignments.forEach((assignment, i) => validateAssignment(assignment.brokerIds, registered, current + i));
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

  private planConfigChanges(resource: ConfigResourceChange): MetadataRecord[] {
    if (resource.resourceType === ConfigResourceType.TOPIC) {
      if (this.image.topic(resource.resourceName) === undefined) {
        throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${resource.resourceName}' does not exist.`);
      }
      const next = validateConfigs(resource.configs);
      return replaceConfigs(ConfigResourceType.TOPIC, resource.resourceName, this.image.topicConfigs(resource.resourceName), next);
    }
    if (resource.resourceType === ConfigResourceType.BROKER) {
      if (resource.resourceName !== '' && this.image.broker(Number(resource.resourceName)) === undefined) {
        throw ApiError.of('INVALID_REQUEST', `Unexpected broker id, expected a registered broker or empty string, but received ${resource.resourceName}`);
      }
      let next: Map<string, string | null>;
      try {
        next = validateBrokerConfigs(resource.configs);
      } catch (error) {
        if (error instanceof NotDynamicError) throw ApiError.of('INVALID_REQUEST', error.message);
        throw error;
      }
      const given = new Map([...next].filter((entry): entry is [string, string] => entry[1] !== null));
      return replaceConfigs(ConfigResourceType.BROKER, resource.resourceName, this.image.brokerConfigs(resource.resourceName), given);
    }
    throw ApiError.of('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType}`);
  }
}

function validateConfigs(configs: readonly { name: string; value: string | null }[]): Map<string, string> {
  try {
    return validateTopicConfigs(configs);
  } catch (error) {
    if (error instanceof ConfigError) throw ApiError.of('INVALID_CONFIG', error.message);
    throw error;
  }
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ConfigError) return ApiError.of('INVALID_CONFIG', error.message);
  throw error;
}

function partitionRecord(topicId: string, partitionId: number, replicas: number[]): MetadataRecord {
  return { type: 'Partition', data: { partitionId, topicId, replicas, isr: replicas, leader: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0 } };
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

function replaceConfigs(resourceType: number, resourceName: string, current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const name of current.keys()) {
    if (!next.has(name)) records.push({ type: 'Config', data: { resourceType, resourceName, name, value: null } });
  }
  for (const [name, value] of next) {
    if (current.get(name) !== value) records.push({ type: 'Config', data: { resourceType, resourceName, name, value } });
  }
  return records;
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
