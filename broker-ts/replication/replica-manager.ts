// The partitions this node holds a replica of (Kafka's ReplicaManager): it follows the metadata
// image (creating, updating and deleting partitions and their logs as committed changes are
// published), makes each replica leader or follower as the image says (a follower fetches from its
// leader through the fetcher of that leader's broker), shrinks the ISR of led partitions whose
// followers lag (every replica.lag.time.max.ms / 2) and sends ISR changes to the controller with
// AlterPartition. Every log.retention.check.interval.ms it deletes the segments retention no longer
// keeps. It keeps each log's settings in line with topic and broker configs, and tells the
// group coordinator when this node starts or stops leading a partition of __consumer_offsets.
import path from 'node:path';
import type { BrokerConfig } from '../config/broker-config.js';
import type { ConfigResolver } from '../config/config-resolver.js';
import type { Logger } from '../logging/logger.js';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { LogManager } from '../storage/index.js';
import { ReplicaFetcher } from './replica-fetcher.js';
import { interBrokerClientSecurity } from '../security/client-security.js';
import type { ControllerClient } from '../metadata/controller-client.js';
import type { MetadataDelta, MetadataImage, PartitionRegistration } from '../metadata/metadata-image.js';
import { METADATA_TOPIC } from '../metadata/metadata-log.js';
import { NO_LEADER } from '../metadata/metadata-records.js';
import { LogRetention } from './log-retention.js';
import { Partition } from './partition.js';
import type { IsrChangeSink } from './partition.js';
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata-file.js';

export type LeadershipListener = (partition: Partition, leading: boolean) => void | Promise<void>;

/** How long an AlterPartition may take before the leader gives up and proposes again later. */
const ALTER_PARTITION_TIMEOUT_MS = 5000;

export class ReplicaManager implements IsrChangeSink {
  /** The metadata change being applied (settled either way), if one is. */
  private applying: Promise<void> | undefined;
  private readonly byTopic = new Map<string, Map<number, Partition>>();
  private readonly leadershipListeners: LeadershipListener[] = [];
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly isrTimer: NodeJS.Timeout;
  private readonly retention: LogRetention;
  readonly localNodeId: number;

  constructor(
    private readonly config: BrokerConfig,
    private readonly logs: LogManager,
    private readonly image: MetadataImage,
    private readonly configs: ConfigResolver,
    private readonly controller: ControllerClient,
    private readonly logger: Logger,
  ) {
    this.localNodeId = config.nodeId;
    const lagMs = config.replicaLagTimeMaxMs;
    this.isrTimer = setInterval(
      () => {
        for (const partition of this.partitions()) if (partition.isLeader) partition.maybeShrinkIsr(lagMs);
      },
      Math.max(50, Math.floor(lagMs / 2)),
    );
    this.isrTimer.unref();
    this.retention = new LogRetention({
      partitions: () => this.partitions(),
      initialDelayMs: config.logInitialTaskDelayMs,
      intervalMs: config.logRetentionCheckIntervalMs,
      logger,
    });
  }

  onLeadershipChange(listener: LeadershipListener): void {
    this.leadershipListeners.push(listener);
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.byTopic.get(topic)?.get(index);
  }

  partitions(): Partition[] {
    return [...this.byTopic.values()].flatMap((partitions) => [...partitions.values()]);
  }

  /** The log dirs no I/O error has taken offline. */
  onlineLogDirs(): string[] {
    return this.logs.onlineLogDirs();
  }

  /**
   * DescribeLogDirs: each configured log dir with the logs it holds (of `topics`, or all), their
   * sizes and how far each log's end is behind the high watermark (0 unless it is behind, as in
   * Kafka); an offline dir is listed with its error and nothing in it.
   */
  describeLogDirs(topics: ReadonlyMap<string, ReadonlySet<number>> | null): LogDirDescription[] {
    const offline = new Set(this.logs.offlineLogDirs());
    const online = this.logs.onlineLogDirs();
    const dirs = [...online, ...offline];
    return dirs.map((logDir) => {
      if (offline.has(logDir)) return { logDir, offline: true, partitions: [] };
      const partitions = this.logs
        .all()
        .filter(({ topic, partition, dir }) => path.dirname(dir) === logDir && (topics === null || topics.get(topic)?.has(partition) === true))
        .map(({ topic, partition, log }) => {
          const highWatermark = this.partition(topic, partition)?.highWatermark;
          const offsetLag = highWatermark === undefined ? -1n : highWatermark > log.logEndOffset ? highWatermark - log.logEndOffset : 0n;
          return { topic, partition, size: BigInt(log.size), offsetLag };
        });
      return { logDir, offline: false, partitions };
    });
  }

  /**
   * Once this broker has caught up with the metadata: drops logs the cluster no longer has (a topic
   * deleted, or deleted and created again, while the node was down).
   */
  async deleteStrayLogs(): Promise<void> {
    for (const { topic, partition, dir } of this.logs.all()) {
      const expected = this.image.topic(topic);
      const recorded = readPartitionMetadata(dir);
      const stale = expected === undefined || !expected.partitions.has(partition) || (recorded !== undefined && recorded !== expected.id);
      if (stale && this.partition(topic, partition) === undefined) {
        this.logger.info({ topic, partition, dir }, 'deleting the log of a partition the cluster no longer has');
        await this.logs.delete(topic, partition);
      }
    }
  }

  /**
   * Follows the changes the quorum just committed. The image already shows them (it is updated as
   * the records are read), while a partition given to this node exists here only once its log has
   * opened: `metadataApplied` lets a request wait for that.
   */
  async applyDelta(delta: MetadataDelta): Promise<void> {
    // The loader applies one delta at a time, so there is never more than one to wait for.
    const applying = this.applyChanges(delta);
    this.applying = applying.catch(() => undefined);
    try {
      await applying;
    } finally {
      this.applying = undefined;
    }
  }

  /** Whether a metadata change is being applied, so that partitions the image shows may not exist here yet. */
  get applyingMetadata(): boolean {
    return this.applying !== undefined;
  }

  /**
   * Resolves once the metadata change being applied is (or after `timeoutMs`). A produce sent on the
   * strength of the image, to a partition whose log is still opening, would otherwise be refused
   * with NOT_LEADER_OR_FOLLOWER after its other partitions were appended, and the client's retry
   * would store those twice.
   */
  async metadataApplied(timeoutMs: number): Promise<void> {
    const applying = this.applying;
    if (applying === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([applying, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async applyChanges(delta: MetadataDelta): Promise<void> {
    for (const topic of delta.deletedTopics) {
      const partitions = this.byTopic.get(topic.name);
      this.byTopic.delete(topic.name);
      for (const partition of partitions?.values() ?? []) {
        this.stopFetching(partition);
        partition.markRemoved();
        if (partition.isLeader) await this.notifyLeadership(partition, false);
      }
      await this.logs.deleteTopic(topic.name);
    }
    for (const registration of delta.changedPartitions.values()) await this.applyRegistration(registration);
    if (delta.brokersChanged) {
      // A leader's address may have changed with a new registration; fetchers look it up on reconnect.
      for (const partition of this.partitions()) this.followLeader(partition);
    }
    if (delta.brokerConfigsChanged) {
      for (const partition of this.partitions()) this.reconfigure(partition);
    } else {
      for (const topic of delta.changedTopicConfigs) for (const partition of this.byTopic.get(topic)?.values() ?? []) this.reconfigure(partition);
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.isrTimer);
    await this.retention.stop();
    for (const fetcher of this.fetchers.values()) fetcher.stop();
    this.fetchers.clear();
    for (const partition of this.partitions()) partition.markRemoved();
    await this.logs.close();
  }

  // ---- IsrChangeSink ----

  eligible(brokerId: number): boolean {
    const broker = this.image.broker(brokerId);
    return broker !== undefined && !broker.fenced && !broker.inControlledShutdown;
  }

  live(brokerId: number): boolean {
    const broker = this.image.broker(brokerId);
    return broker !== undefined && !broker.fenced;
  }

  proposeIsr(partition: Partition, isr: readonly number[]): void {
    // Not registered yet (a partition taken up while the broker starts): the controller would
    // refuse the stale epoch anyway; the leader proposes again on its next check.
    if (this.controller.brokerEpoch < 0n) {
      partition.onIsrProposalFailed();
      return;
    }
    const state = partition.state;
    this.logger.info(
      {
        topic: partition.topic,
        partition: partition.index,
        isr: state.isr,
        proposed: isr,
        leaderEpoch: state.leaderEpoch,
        partitionEpoch: state.partitionEpoch,
      },
      'proposing an ISR change',
    );
    this.controller
      .send(
        ApiKey.AlterPartition,
        3,
        {
          brokerId: this.localNodeId,
          brokerEpoch: this.controller.brokerEpoch,
          topics: [
            {
              topicId: partition.topicId,
              partitions: [
                {
                  partitionIndex: partition.index,
                  leaderEpoch: state.leaderEpoch,
                  newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: this.image.broker(brokerId)?.epoch ?? -1n })),
                  leaderRecoveryState: 0,
                  partitionEpoch: state.partitionEpoch,
                },
              ],
            },
          ],
        },
        ALTER_PARTITION_TIMEOUT_MS,
      )
      .then(
        (response) => {
          const result = response.topics[0]?.partitions[0];
          const errorCode = response.errorCode !== ErrorCode.NONE ? response.errorCode : (result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
          if (errorCode !== ErrorCode.NONE || result === undefined) {
            this.logger.info({ topic: partition.topic, partition: partition.index, errorCode }, 'ISR change refused');
            partition.onIsrProposalFailed();
            return;
          }
          partition.onIsrCommitted({ leaderEpoch: result.leaderEpoch, partitionEpoch: result.partitionEpoch, isr: result.isr });
        },
        (error: unknown) => {
          this.logger.info({ topic: partition.topic, partition: partition.index, err: error }, 'ISR change not answered');
          partition.onIsrProposalFailed();
        },
      );
  }

  // ---- Following the image ----

  private async applyRegistration(registration: PartitionRegistration): Promise<void> {
    const { topicName, partition: index } = registration;
    if (topicName === METADATA_TOPIC) return;
    const existing = this.partition(topicName, index);
    if (!registration.replicas.includes(this.localNodeId)) {
      if (existing !== undefined) {
        this.byTopic.get(topicName)!.delete(index);
        this.stopFetching(existing);
        existing.markRemoved();
        if (existing.isLeader) await this.notifyLeadership(existing, false);
        await this.logs.delete(topicName, index);
      }
      return;
    }
    if (existing !== undefined) {
      const wasLeader = existing.isLeader;
      existing.update(registration);
      this.followLeader(existing);
      if (wasLeader !== existing.isLeader) await this.notifyLeadership(existing, existing.isLeader);
      return;
    }
    const log = await this.logs.getOrCreate(topicName, index, this.configs.logConfig(this.image.topicConfigs(topicName)));
    const entry = this.logs.all().find((e) => e.topic === topicName && e.partition === index);
    if (entry !== undefined) await writePartitionMetadata(entry.dir, registration.topicId);
    // The topic may have been deleted while its log was opening.
    const current = this.image.partition(topicName, index);
    if (current === undefined || current.topicId !== registration.topicId) return;
    const partition = new Partition(this.localNodeId, log, current);
    partition.isrSink = this;
    partition.minInsyncReplicas = this.minInsyncReplicas(topicName);
    partition.hwIgnoresMinIsr = this.config.bugs.hwIgnoresMinIsr;
    let partitions = this.byTopic.get(topicName);
    if (partitions === undefined) this.byTopic.set(topicName, (partitions = new Map()));
    partitions.set(index, partition);
    this.followLeader(partition);
    if (partition.isLeader) await this.notifyLeadership(partition, true);
  }

  /** A follower fetches from its leader's broker; a leader, or a replica without a leader, fetches from nobody. */
  private followLeader(partition: Partition): void {
    const leader = partition.leaderId;
    const shouldFetchFrom = partition.isLeader || partition.isRemoved || leader === NO_LEADER || leader === this.localNodeId ? undefined : leader;
    for (const fetcher of this.fetchers.values()) {
      if (fetcher.leaderId !== shouldFetchFrom) fetcher.remove(partition);
    }
    if (shouldFetchFrom === undefined) return;
    let fetcher = this.fetchers.get(shouldFetchFrom);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher({
        localId: this.localNodeId,
        leaderId: shouldFetchFrom,
        address: () => {
          const endpoint = this.image.broker(shouldFetchFrom)?.endpoints.get(this.config.interBrokerListenerName);
          return endpoint === undefined ? undefined : { host: endpoint.host, port: endpoint.port };
        },
        maxWaitMs: this.config.replicaFetchWaitMaxMs,
        maxBytes: this.config.replicaFetchMaxBytes,
        skipTruncation: this.config.bugs.skipTruncation,
        clientSecurity: interBrokerClientSecurity(this.config),
        logger: this.logger.child({ fetcher: shouldFetchFrom }),
      });
      this.fetchers.set(shouldFetchFrom, fetcher);
    }
    fetcher.add(partition);
  }

  private stopFetching(partition: Partition): void {
    for (const fetcher of this.fetchers.values()) fetcher.remove(partition);
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

/** One log dir as DescribeLogDirs reports it. */
export interface LogDirDescription {
  logDir: string;
  /** Taken offline by an I/O error (KAFKA_STORAGE_ERROR, no logs listed). */
  offline: boolean;
  partitions: { topic: string; partition: number; size: bigint; offsetLag: bigint }[];
}
