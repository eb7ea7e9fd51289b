// The partitions this node holds a replica of (Kafka's ReplicaManager): it follows the metadata
// image (creating, updating and deleting partitions and their logs as deltas are published), keeps
// each log's settings in line with topic and broker configs, and tells the group coordinator when
// this node starts or stops leading a partition of __consumer_offsets.
import type { Logger } from '../logging/logger.js';
import type { ConfigResolver } from '../config/config-resolver.js';
import type { LogManager } from '../storage/index.js';
import type { MetadataDelta, MetadataImage, PartitionRegistration } from './metadata-image.js';
import { METADATA_TOPIC } from './metadata-log.js';
import { Partition } from './partition.js';
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata-file.js';

export type LeadershipListener = (partition: Partition, leading: boolean) => void | Promise<void>;

export class ReplicaManager {
  private readonly byTopic = new Map<string, Map<number, Partition>>();
  private readonly leadershipListeners: LeadershipListener[] = [];

  constructor(
    readonly localNodeId: number,
    private readonly logs: LogManager,
    private readonly image: MetadataImage,
    private readonly configs: ConfigResolver,
    private readonly logger: Logger,
  ) {}

  onLeadershipChange(listener: LeadershipListener): void {
    this.leadershipListeners.push(listener);
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.byTopic.get(topic)?.get(index);
  }

  partitions(): Partition[] {
    return [...this.byTopic.values()].flatMap((partitions) => [...partitions.values()]);
  }

  /**
   * Start-up: drops logs the image does not know (a topic deleted, or deleted and created again,
   * while the node was down), then takes up every partition the image places here.
   */
  async loadFromImage(): Promise<void> {
    for (const { topic, partition, dir } of this.logs.all()) {
      const expected = this.image.topic(topic);
      const recorded = readPartitionMetadata(dir);
      const stale = expected === undefined || !expected.partitions.has(partition) || (recorded !== undefined && recorded !== expected.id);
      if (stale) {
        this.logger.info({ topic, partition, dir }, 'deleting the log of a partition the cluster no longer has');
        await this.logs.delete(topic, partition);
      }
    }
    for (const topic of this.image.topics()) {
      for (const registration of topic.partitions.values()) await this.applyRegistration(registration);
    }
  }

  /** Follows the changes the controller just committed. */
  async applyDelta(delta: MetadataDelta): Promise<void> {
    for (const topic of delta.deletedTopics) {
      const partitions = this.byTopic.get(topic.name);
      this.byTopic.delete(topic.name);
      for (const partition of partitions?.values() ?? []) {
        partition.markRemoved();
        if (partition.isLeader) await this.notifyLeadership(partition, false);
      }
      await this.logs.deleteTopic(topic.name);
    }
    for (const registration of delta.changedPartitions.values()) await this.applyRegistration(registration);
    if (delta.brokerConfigsChanged) {
      for (const partition of this.partitions()) this.reconfigure(partition);
    } else {
      for (const topic of delta.changedTopicConfigs) for (const partition of this.byTopic.get(topic)?.values() ?? []) this.reconfigure(partition);
    }
  }

  async shutdown(): Promise<void> {
    for (const partition of this.partitions()) partition.markRemoved();
    await this.logs.close();
  }

  private async applyRegistration(registration: PartitionRegistration): Promise<void> {
    const { topicName, partition: index } = registration;
    if (topicName === METADATA_TOPIC) return;
    const existing = this.partition(topicName, index);
    if (!registration.replicas.includes(this.localNodeId)) {
      if (existing !== undefined) {
        this.byTopic.get(topicName)!.delete(index);
        existing.markRemoved();
        if (existing.isLeader) await this.notifyLeadership(existing, false);
        await this.logs.delete(topicName, index);
      }
      return;
    }
    if (existing !== undefined) {
      const wasLeader = existing.isLeader;
      existing.update(registration);
      if (wasLeader !== existing.isLeader) await this.notifyLeadership(existing, existing.isLeader);
      return;
    }
    const log = await this.logs.getOrCreate(topicName, index, this.configs.logConfig(this.image.topicConfigs(topicName)));
    const entry = this.logs.all().find((e) => e.topic === topicName && e.partition === index);
    if (entry !== undefined) writePartitionMetadata(entry.dir, registration.topicId);
    // The topic may have been deleted while its log was opening.
    const current = this.image.partition(topicName, index);
    if (current === undefined || current.topicId !== registration.topicId) return;
    const partition = new Partition(this.localNodeId, log, current);
    partition.minInsyncReplicas = this.minInsyncReplicas(topicName);
    let partitions = this.byTopic.get(topicName);
    if (partitions === undefined) this.byTopic.set(topicName, (partitions = new Map()));
    partitions.set(index, partition);
    if (partition.isLeader) await this.notifyLeadership(partition, true);
  }

  private reconfigure(partition: Partition): void {
    if (!partition.log.isOpen) return;
    partition.log.updateConfig(this.configs.logConfig(this.image.topicConfigs(partition.topic)));
    partition.minInsyncReplicas = this.minInsyncReplicas(partition.topic);
  }

  private minInsyncReplicas(topic: string): number {
    return this.configs.topicValue('min.insync.replicas', this.image.topicConfigs(topic)) as number;
  }

  private async notifyLeadership(partition: Partition, leading: boolean): Promise<void> {
    for (const listener of this.leadershipListeners) await listener(partition, leading);
  }
}
