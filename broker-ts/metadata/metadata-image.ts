// The cluster state as the metadata log describes it: brokers, topics with their partitions
// (replicas, ISR, leader, epochs), configs, finalized feature levels, and the producer id
// watermark. It changes only by applying metadata records in log order (KRaft's MetadataImage +
// MetadataDelta, mutable here since one event loop owns it); each apply reports what changed so the
// replica manager and the log configs can follow.
import type { MetadataRecord, RecordData } from './metadata-records.js';
import { ConfigResourceType, NO_LEADER_CHANGE, partitionChange } from './metadata-records.js';

export interface BrokerEndpointInfo {
  host: string;
  port: number;
  securityProtocol: number;
}

export interface BrokerRegistration {
  id: number;
  incarnationId: string;
  epoch: bigint;
  /** By listener name. */
  endpoints: ReadonlyMap<string, BrokerEndpointInfo>;
  rack: string | null;
  fenced: boolean;
  inControlledShutdown: boolean;
  /** Offset of the registration record: the broker has caught up once its metadata reaches it. */
  registeredAt: bigint;
}

export interface PartitionRegistration {
  topicId: string;
  topicName: string;
  partition: number;
  /** During a reassignment, the target replicas first, then those being removed. */
  replicas: readonly number[];
  isr: readonly number[];
  /** An ongoing reassignment (KIP-455): replicas being added (catching up), and being removed; both empty otherwise. */
  addingReplicas: readonly number[];
  removingReplicas: readonly number[];
  leader: number;
  /** Bumped by the controller on every leader change. */
  leaderEpoch: number;
  /** Bumped on every change of the partition (leader, ISR or replicas). */
  partitionEpoch: number;
  /** Eligible leader replicas (KIP-966): out of the ISR, yet holding everything below the high watermark. */
  elr: readonly number[];
  /** The last leader, once the partition has neither ISR nor ELR: it may lead again when it returns. */
  lastKnownElr: readonly number[];
}

export interface TopicImage {
  name: string;
  id: string;
  partitions: Map<number, PartitionRegistration>;
}

/** What one or more applied records changed. */
export class MetadataDelta {
  readonly changedPartitions = new Map<string, PartitionRegistration>();
  readonly deletedTopics: TopicImage[] = [];
  readonly changedTopicConfigs = new Set<string>();
  brokerConfigsChanged = false;
  brokersChanged = false;

  get isEmpty(): boolean {
    return (
      this.changedPartitions.size === 0 &&
      this.deletedTopics.length === 0 &&
      this.changedTopicConfigs.size === 0 &&
      !this.brokerConfigsChanged &&
      !this.brokersChanged
    );
  }
}

const EMPTY_CONFIGS: ReadonlyMap<string, string> = new Map();

export class MetadataImage {
  private readonly brokerMap = new Map<number, BrokerRegistration>();
  private readonly topicsByName = new Map<string, TopicImage>();
  private readonly topicsById = new Map<string, TopicImage>();
  /** Keyed by resource type and name ("2:orders", "4:1", "4:" for cluster-wide broker defaults). */
  private readonly configs = new Map<string, Map<string, string>>();
  /** Finalized feature levels; a feature at level 0 is left out, as Kafka leaves it out of ApiVersions. */
  private readonly featureLevels = new Map<string, number>();
  private nextProducerIdValue = 0n;
  private appliedOffset = -1n;

  /** Offset of the last record applied. */
  get offset(): bigint {
    return this.appliedOffset;
  }

  get nextProducerId(): bigint {
    return this.nextProducerIdValue;
  }

  brokers(): IterableIterator<BrokerRegistration> {
    return this.brokerMap.values();
  }

  broker(id: number): BrokerRegistration | undefined {
    return this.brokerMap.get(id);
  }

  /** Brokers that can host replicas. */
  unfencedBrokers(): BrokerRegistration[] {
    return [...this.brokerMap.values()].filter((b) => !b.fenced).sort((a, b) => a.id - b.id);
  }

  topics(): IterableIterator<TopicImage> {
    return this.topicsByName.values();
  }

  topic(name: string): TopicImage | undefined {
    return this.topicsByName.get(name);
  }

  topicById(id: string): TopicImage | undefined {
    return this.topicsById.get(id);
  }

  partition(topic: string, partition: number): PartitionRegistration | undefined {
    return this.topicsByName.get(topic)?.partitions.get(partition);
  }

  topicConfigs(topic: string): ReadonlyMap<string, string> {
    return this.configs.get(`${ConfigResourceType.TOPIC}:${topic}`) ?? EMPTY_CONFIGS;
  }

  /** A broker's dynamic configs; "" names the cluster-wide defaults. */
  brokerConfigs(resourceName: string): ReadonlyMap<string, string> {
    return this.configs.get(`${ConfigResourceType.BROKER}:${resourceName}`) ?? EMPTY_CONFIGS;
  }

  finalizedFeatures(): ReadonlyMap<string, number> {
    return this.featureLevels;
  }

  apply(record: MetadataRecord, offset: bigint, delta: MetadataDelta): void {
    switch (record.type) {
      case 'RegisterBroker':
        this.applyRegisterBroker(record.data, offset);
        delta.brokersChanged = true;
        break;
      case 'BrokerRegistrationChange': {
        const broker = this.brokerMap.get(record.data.brokerId);
        if (broker !== undefined && broker.epoch === record.data.brokerEpoch) {
          if (record.data.fenced !== 0) broker.fenced = record.data.fenced === 1;
          if (record.data.inControlledShutdown !== 0) broker.inControlledShutdown = record.data.inControlledShutdown === 1;
          delta.brokersChanged = true;
        }
        break;
      }
      case 'NoOp':
        break;
      case 'Topic':
        this.applyTopic(record.data);
        break;
      case 'Partition':
        this.applyPartition(record.data, delta);
        break;
      case 'PartitionChange':
        this.applyPartitionChange(record.data, delta);
        break;
      case 'ClearElr':
        this.applyClearElr(record.data, delta);
        break;
      case 'Config':
        this.applyConfig(record.data, delta);
        break;
      case 'RemoveTopic':
        this.applyRemoveTopic(record.data, delta);
        break;
      case 'FeatureLevel':
        if (record.data.featureLevel > 0) this.featureLevels.set(record.data.name, record.data.featureLevel);
        else this.featureLevels.delete(record.data.name);
        break;
      case 'ProducerIds':
        if (record.data.nextProducerId > this.nextProducerIdValue) this.nextProducerIdValue = record.data.nextProducerId;
        break;
    }
    this.appliedOffset = offset;
  }

  private applyRegisterBroker(data: RecordData<'RegisterBroker'>, offset: bigint): void {
    this.brokerMap.set(data.brokerId, {
      id: data.brokerId,
      incarnationId: data.incarnationId,
      epoch: data.brokerEpoch,
      endpoints: new Map(data.endPoints.map((e) => [e.name, { host: e.host, port: e.port, securityProtocol: e.securityProtocol }])),
      rack: data.rack,
      fenced: data.fenced,
      inControlledShutdown: false,
      registeredAt: offset,
    });
  }

  private applyTopic(data: RecordData<'Topic'>): void {
    const topic: TopicImage = { name: data.name, id: data.topicId, partitions: new Map() };
    this.topicsByName.set(data.name, topic);
    this.topicsById.set(data.topicId, topic);
  }

  private applyPartition(data: RecordData<'Partition'>, delta: MetadataDelta): void {
    const topic = this.requireTopic(data.topicId);
    const registration: PartitionRegistration = {
      topicId: data.topicId,
      topicName: topic.name,
      partition: data.partitionId,
      replicas: data.replicas,
      isr: data.isr,
      addingReplicas: data.addingReplicas,
      removingReplicas: data.removingReplicas,
      leader: data.leader,
      leaderEpoch: data.leaderEpoch,
      partitionEpoch: data.partitionEpoch,
      elr: data.eligibleLeaderReplicas ?? [],
      lastKnownElr: data.lastKnownElr ?? [],
    };
    topic.partitions.set(data.partitionId, registration);
    delta.changedPartitions.set(`${topic.name}-${data.partitionId}`, registration);
  }

  private applyPartitionChange(data: RecordData<'PartitionChange'>, delta: MetadataDelta): void {
    const topic = this.requireTopic(data.topicId);
    const current = topic.partitions.get(data.partitionId);
    if (current === undefined) throw new Error(`PartitionChangeRecord for unknown partition ${topic.name}-${data.partitionId}`);
    const leaderChanged = data.leader !== NO_LEADER_CHANGE && data.leader !== current.leader;
    const next: PartitionRegistration = {
      ...current,
      isr: data.isr ?? current.isr,
      replicas: data.replicas ?? current.replicas,
      addingReplicas: data.addingReplicas ?? current.addingReplicas,
      removingReplicas: data.removingReplicas ?? current.removingReplicas,
      elr: data.eligibleLeaderReplicas ?? current.elr,
      lastKnownElr: data.lastKnownElr ?? current.lastKnownElr,
      leader: data.leader === NO_LEADER_CHANGE ? current.leader : data.leader,
      leaderEpoch: leaderChanged ? current.leaderEpoch + 1 : current.leaderEpoch,
      partitionEpoch: current.partitionEpoch + 1,
    };
    topic.partitions.set(data.partitionId, next);
    delta.changedPartitions.set(`${topic.name}-${data.partitionId}`, next);
  }

  /** As KRaft replays it: each partition with an ELR or a last known ELR loses both, a change of the partition. */
  private applyClearElr(data: RecordData<'ClearElr'>, delta: MetadataDelta): void {
    const topics = data.topicName === '' ? [...this.topicsByName.values()] : [this.topicsByName.get(data.topicName)];
    for (const topic of topics) {
      if (topic === undefined) throw new Error(`ClearElrRecord for unknown topic ${data.topicName}`);
      for (const partition of topic.partitions.values()) {
        if (partition.elr.length === 0 && partition.lastKnownElr.length === 0) continue;
        this.applyPartitionChange(
          partitionChange(topic.id, partition.partition, { eligibleLeaderReplicas: [], lastKnownElr: [] }).data as RecordData<'PartitionChange'>,
          delta,
        );
      }
    }
  }

  private applyConfig(data: RecordData<'Config'>, delta: MetadataDelta): void {
    const key = `${data.resourceType}:${data.resourceName}`;
    let configs = this.configs.get(key);
    if (configs === undefined) this.configs.set(key, (configs = new Map()));
    if (data.value === null) configs.delete(data.name);
    else configs.set(data.name, data.value);
    if (data.resourceType === ConfigResourceType.TOPIC) delta.changedTopicConfigs.add(data.resourceName);
    else delta.brokerConfigsChanged = true;
  }

  private applyRemoveTopic(data: RecordData<'RemoveTopic'>, delta: MetadataDelta): void {
    const topic = this.requireTopic(data.topicId);
    this.topicsByName.delete(topic.name);
    this.topicsById.delete(topic.id);
    this.configs.delete(`${ConfigResourceType.TOPIC}:${topic.name}`);
    for (const partition of topic.partitions.values()) delta.changedPartitions.delete(`${topic.name}-${partition.partition}`);
    delta.deletedTopics.push(topic);
  }

  private requireTopic(topicId: string): TopicImage {
    const topic = this.topicsById.get(topicId);
    if (topic === undefined) throw new Error(`metadata record for unknown topic id ${topicId}`);
    return topic;
  }
}
