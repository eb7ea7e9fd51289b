// The controller: the only writer of the metadata log. It validates admin changes against the
// image, turns them into metadata records, appends them (fsynced), applies them to the image and
// publishes the delta to this node's replica manager. Operations run one at a time, in order, like
// KRaft's controller event queue, so each one validates against every change before it.
// With one node this node is the active controller; issue 4 makes the append a Raft commit.
import type { Logger } from '../logging/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { ConfigError } from '../config/config-error.js';
import { NotDynamicError, validateBrokerConfigs, validateTopicConfigs } from '../config/config-validation.js';
import { ErrorCode, schema } from '../protocol/index.js';
import { ApiError } from '../server/api-error.js';
import { randomKafkaUuid } from './kafka-uuid.js';
import { MetadataDelta } from './metadata-image.js';
import type { MetadataImage, TopicImage } from './metadata-image.js';
import type { MetadataLog } from './metadata-log.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType, NO_LEADER, SECURITY_PROTOCOL_IDS } from './metadata-records.js';
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

export type DeltaPublisher = (delta: MetadataDelta) => Promise<void>;

export class Controller {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly image: MetadataImage,
    private readonly metadataLog: MetadataLog,
    private readonly config: BrokerConfig,
    private readonly publish: DeltaPublisher,
    private readonly logger: Logger,
  ) {}

  /** Replays the metadata log into the image at start-up, before anything is published. */
  static replay(image: MetadataImage, metadataLog: MetadataLog): MetadataDelta {
    const delta = new MetadataDelta();
    for (const { record, offset } of metadataLog.records()) image.apply(record, offset, delta);
    return delta;
  }

  /**
   * Registers this node (a new broker epoch each start, as KRaft gives a restarted broker) and
   * elects it leader of its partitions again. KRaft fences the previous incarnation (its partitions
   * lose their leader) and unfences the new one (it is elected again): each step bumps the leader
   * epoch, so clients holding the old epoch are told to refresh, as with Kafka.
   */
  registerBroker(endpoints: readonly BrokerEndpointRegistration[], rack: string | null): Promise<bigint> {
    return this.enqueue(async () => {
      const brokerEpoch = this.metadataLog.endOffset;
      const nodeId = this.config.nodeId;
      const reelections: MetadataRecord[] = [];
      for (const topic of this.image.topics()) {
        for (const partition of topic.partitions.values()) {
          if (!partition.replicas.includes(nodeId) || (partition.leader !== nodeId && partition.leader !== NO_LEADER)) continue;
          const change = (leader: number): MetadataRecord => ({
            type: 'PartitionChange',
            data: { partitionId: partition.partition, topicId: topic.id, isr: null, leader, replicas: null },
          });
          if (partition.leader === nodeId) reelections.push(change(NO_LEADER));
          reelections.push(change(nodeId));
        }
      }
      await this.commit([
        {
          type: 'RegisterBroker',
          data: {
            brokerId: this.config.nodeId,
            incarnationId: randomKafkaUuid(),
            brokerEpoch,
            endPoints: endpoints.map((e) => ({ ...e, securityProtocol: SECURITY_PROTOCOL_IDS.PLAINTEXT! })),
            rack,
            fenced: false,
          },
        },
        ...reelections,
      ]);
      return brokerEpoch;
    });
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
        results.push({ name, topicId: undefined, error: ApiError.of('INVALID_REQUEST', 'Duplicate topic name.'), numPartitions: -1, replicationFactor: -1, configs: new Map() });
      }
      await this.commit(records);
      for (const result of results) {
        if (result.topicId !== undefined) {
          this.logger.info({ topic: result.name, topicId: result.topicId, partitions: result.numPartitions, replicationFactor: result.replicationFactor }, 'created topic');
        }
      }
      return results;
    });
  }

  /** Creates a topic the broker needs itself (__consumer_offsets) unless it exists. */
  ensureTopic(name: string, numPartitions: number, replicationFactor: number, configs: ReadonlyMap<string, string>): Promise<TopicImage> {
    return this.enqueue(async () => {
      const existing = this.image.topic(name);
      if (existing !== undefined) return existing;
      const brokers = this.image.unfencedBrokers().map((b) => b.id);
      const assignments = placeReplicas(brokers, 0, numPartitions, replicationFactor);
      await this.commit(topicRecords(name, randomKafkaUuid(), assignments, configs));
      this.logger.info({ topic: name, partitions: numPartitions, replicationFactor }, 'created internal topic');
      return this.image.topic(name)!;
    });
  }

  deleteTopics(references: readonly TopicReference[]): Promise<DeletedTopic[]> {
    return this.enqueue(async () => {
      const records: MetadataRecord[] = [];
      const removing = new Set<string>();
      const { unique, duplicated } = splitDuplicates(references, (r) => (r.topicId !== undefined && r.topicId !== ZERO_UUID ? `id:${r.topicId}` : `name:${r.name}`));
      const results = unique.map((reference): DeletedTopic => {
        const byId = reference.topicId !== undefined && reference.topicId !== ZERO_UUID;
        const topic = byId ? this.image.topicById(reference.topicId!) : this.image.topic(reference.name ?? '');
        const result: DeletedTopic = { name: topic?.name ?? reference.name ?? null, topicId: topic?.id ?? reference.topicId ?? ZERO_UUID, error: undefined };
        if (byId && reference.name != null) result.error = ApiError.of('INVALID_REQUEST', 'Topic name and topic id cannot both be set.');
        else if (topic === undefined) {
          result.error = byId ? ApiError.of('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.') : ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
        } else if (!this.config.deleteTopicEnable) result.error = ApiError.of('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
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

  /** Reserves a block of producer ids; resolves with its first id once the reservation is durable. */
  allocateProducerIds(brokerEpoch: bigint): Promise<bigint> {
    return this.enqueue(async () => {
      const first = this.image.nextProducerId;
      await this.commit([
        { type: 'ProducerIds', data: { brokerId: this.config.nodeId, brokerEpoch, nextProducerId: first + BigInt(PRODUCER_ID_BLOCK_SIZE) } },
      ]);
      return first;
    });
  }

  /** Waits for the operations queued so far (shutdown). */
  async drain(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(records: readonly MetadataRecord[]): Promise<MetadataDelta> {
    const delta = new MetadataDelta();
    if (records.length === 0) return delta;
    const offsets = await this.metadataLog.append(records);
    records.forEach((record, i) => this.image.apply(record, offsets[i]!, delta));
    await this.publish(delta);
    return delta;
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
        throw ApiError.of(
          'INVALID_REQUEST',
          'A manual partition assignment was specified, but numPartitions was not set to -1.',
        );
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
    const numPartitions = topic.numPartitions === -1 ? this.config.numPartitions : topic.numPartitions;
    if (numPartitions <= 0) throw ApiError.of('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    const replicationFactor = topic.replicationFactor === -1 ? this.config.defaultReplicationFactor : topic.replicationFactor;
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
        throw ApiError.of('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${added} additional partition(s), but only ${request.assignments.length} assignment(s) were specified.`);
      }
      const registered = new Set(this.image.unfencedBrokers().map((b) => b.id));
      request.assignments.forEach((assignment, i) => validateAssignment(assignment.brokerIds, registered, current + i));
      assignments = request.assignments.map((a) => [...a.brokerIds]);
    } else {
      assignments = placeReplicas(this.image.unfencedBrokers().map((b) => b.id), current, added, replicationFactor);
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
      if (resource.resourceName !== '' && resource.resourceName !== String(this.config.nodeId)) {
        throw ApiError.of('INVALID_REQUEST', `Unexpected broker id, expected ${this.config.nodeId} or empty string, but received ${resource.resourceName}`);
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
