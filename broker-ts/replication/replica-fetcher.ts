// Copies partitions from one leader broker (Kafka's ReplicaFetcherThread): a loop of Fetch requests
// (v12, replica_id set) to the leader's inter-broker listener, each waiting at the leader up to
// replica.fetch.wait.max.ms for new batches. Each partition fetches from its log end with the epoch
// of its last batch; the leader answers with new batches and its high watermark, or with the epoch
// where this log diverges from its own, and the follower truncates there first (KIP-595's
// diverging epoch, the successor of OffsetsForLeaderEpoch).
import type { Logger } from '../logging/logger.js';
import { ApiKey, ErrorCode, WireClient } from '../protocol/index.js';
import type { Partition } from '../cluster/partition.js';
import type { ClientSecurity } from '../security/client-security.js';
import { truncationOffset } from './log-divergence.js';

const FETCH_VERSION = 12;
/** After an error, a partition (or the whole fetcher) waits this long before fetching again. */
const BACKOFF_MS = 100;

export interface FetcherOptions {
  localId: number;
  leaderId: number;
  /** The leader's inter-broker listener, from its registration: looked up before every connect. */
  address: () => { host: string; port: number } | undefined;
  maxWaitMs: number;
  maxBytes: number;
  /** broker.ts.bug.skip.truncation */
  skipTruncation: boolean;
  /** TLS and SASL for the inter-broker listener (nothing for PLAINTEXT). */
  clientSecurity: ClientSecurity;
  logger: Logger;
}

interface FetchState {
  partition: Partition;
  /** The leader epoch this replica follows in. */
  leaderEpoch: number;
  delayedUntil: number;
}

export class ReplicaFetcher {
  private readonly partitions = new Map<string, FetchState>();
  private client: WireClient | undefined;
  private clientAddress = '';
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: FetcherOptions) {}

  get leaderId(): number {
    return this.options.leaderId;
  }

  get size(): number {
    return this.partitions.size;
  }

  add(partition: Partition): void {
    const key = `${partition.topic}\0${partition.index}`;
    const existing = this.partitions.get(key);
    if (existing !== undefined && existing.partition === partition && existing.leaderEpoch === partition.leaderEpoch) return;
    this.partitions.set(key, { partition, leaderEpoch: partition.leaderEpoch, delayedUntil: 0 });
    this.wake?.();
    if (!this.running) void this.loop();
  }

  remove(partition: Partition): void {
    this.partitions.delete(`${partition.topic}\0${partition.index}`);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
    void this.client?.close();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.partitions.size > 0) {
        const now = Date.now();
        const ready = [...this.partitions.values()].filter((s) => s.delayedUntil <= now && !s.partition.isRemoved);
        if (ready.length === 0) {
          const next = Math.min(...[...this.partitions.values()].map((s) => s.delayedUntil));
          await this.sleep(Math.max(1, Math.min(BACKOFF_MS, next - now)));
          continue;
        }
        try {
          await this.fetchOnce(ready);
        } catch (error) {
          this.options.logger.debug({ err: error, leader: this.options.leaderId }, 'replica fetch failed');
          await this.client?.close();
          this.client = undefined;
          await this.sleep(BACKOFF_MS);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async connect(): Promise<WireClient> {
    const address = this.options.address();
    if (address === undefined) throw new Error(`no inter-broker address for broker ${this.options.leaderId}`);
    const key = `${address.host}:${address.port}`;
    if (this.client !== undefined && !this.client.closed && this.clientAddress === key) return this.client;
    await this.client?.close();
    this.client = await WireClient.connect({ host: address.host, port: address.port, clientId: `broker-ts-replica-fetcher-${this.options.localId}`, connectTimeoutMs: 1000, requestTimeoutMs: this.options.maxWaitMs + 5000, ...this.options.clientSecurity });
    this.clientAddress = key;
    return this.client;
  }

  private async fetchOnce(states: FetchState[]): Promise<void> {
    const client = await this.connect();
    const byTopic = new Map<string, FetchState[]>();
    for (const state of states) {
      const list = byTopic.get(state.partition.topic) ?? [];
      list.push(state);
      byTopic.set(state.partition.topic, list);
    }
    const sent = new Map<string, { state: FetchState; fetchOffset: bigint }>();
    const topics = [...byTopic].map(([topic, list]) => ({
      topic,
      partitions: list.map((state) => {
        const log = state.partition.log;
        const fetchOffset = log.logEndOffset;
        sent.set(`${topic}\0${state.partition.index}`, { state, fetchOffset });
        return {
          partition: state.partition.index,
          currentLeaderEpoch: state.leaderEpoch,
          fetchOffset,
          lastFetchedEpoch: this.options.skipTruncation ? -1 : (log.latestEpoch ?? -1),
          logStartOffset: log.logStartOffset,
          partitionMaxBytes: this.options.maxBytes,
        };
      }),
    }));
    const response = await client.send(ApiKey.Fetch, FETCH_VERSION, {
      replicaId: this.options.localId,
      maxWaitMs: this.options.maxWaitMs,
      minBytes: 1,
      maxBytes: this.options.maxBytes * Math.max(1, states.length),
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics,
      forgottenTopicsData: [],
      rackId: '',
    });
    for (const topic of response.responses) {
      for (const data of topic.partitions) {
        const entry = sent.get(`${topic.topic}\0${data.partitionIndex}`);
        if (entry === undefined) continue;
        this.process(entry.state, entry.fetchOffset, data);
      }
    }
  }

  private process(
    state: FetchState,
    fetchOffset: bigint,
    data: { errorCode: number; highWatermark: bigint; records: Buffer | null; divergingEpoch?: { epoch: number; endOffset: bigint } },
  ): void {
    const { partition } = state;
    // The partition moved on (new leader, new epoch, deleted) while the request was out.
    const current = this.partitions.get(`${partition.topic}\0${partition.index}`);
    if (current !== state || partition.isRemoved || partition.isLeader || partition.leaderEpoch !== state.leaderEpoch || partition.log.logEndOffset !== fetchOffset) return;
    if (data.errorCode !== ErrorCode.NONE) {
      if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && partition.highWatermark < fetchOffset && !this.options.skipTruncation) {
        // The leader's log is shorter than this one (it can only be a diverging suffix): start over from the high watermark.
        this.options.logger.info({ topic: partition.topic, partition: partition.index, fetchOffset, truncateTo: partition.highWatermark }, 'follower log ahead of the leader: truncating to the high watermark');
        partition.truncateTo(partition.highWatermark);
        return;
      }
      state.delayedUntil = Date.now() + BACKOFF_MS;
      return;
    }
    const diverging = data.divergingEpoch;
    if (diverging !== undefined && diverging.epoch >= 0 && !this.options.skipTruncation) {
      const log = partition.log;
      const truncateTo = truncationOffset(diverging, log.endOffsetForEpoch(diverging.epoch), log.logStartOffset);
      this.options.logger.info({ topic: partition.topic, partition: partition.index, from: log.logEndOffset, to: truncateTo, leaderEpoch: diverging.epoch }, 'truncating a log that diverged from the leader');
      partition.truncateTo(truncateTo);
      return;
    }
    if (data.records !== null && data.records.length > 0) partition.appendAsFollower(data.records);
    partition.updateFollowerHighWatermark(data.highWatermark);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
