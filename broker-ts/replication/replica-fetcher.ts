// Copies partitions from one leader broker (Kafka's ReplicaFetcherThread): a loop of Fetch requests
// (v12, replica_id set) to the leader's inter-broker listener, each waiting at the leader up to
// replica.fetch.wait.max.ms for new batches. Each partition fetches from its log end with the epoch
// of its last batch; the leader answers with new batches and its high watermark, or with the epoch
// where this log diverges from its own, and the follower truncates there first (KIP-595's
// diverging epoch, the successor of OffsetsForLeaderEpoch). Like Kafka's FetchSessionHandler, it
// keeps an incremental fetch session (KIP-227) with the leader: after one full fetch, a request
// names only the partitions whose position changed (and those to forget), and the answer only the
// partitions with something new, so idle partitions cost next to nothing per fetch.
import type { Logger } from '../logging/logger.js';
import { ApiKey, ErrorCode, WireClient } from '@kafka-chaos/protocol';
import type { Partition } from './partition.js';
import type { ClientSecurity } from '../security/client-security.js';
import { truncationOffset } from './log-divergence.js';

const FETCH_VERSION = 12;
const LIST_OFFSETS_VERSION = 7;
/** ListOffsets' timestamp for the log start offset. */
const EARLIEST_TIMESTAMP = -2n;
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

/** One partition's fetch position, as a request states it. */
interface PartitionRequest {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  partitionMaxBytes: number;
}

/** A partition as the leader's session holds it: the state it belongs to and the position last sent. */
interface SessionEntry {
  topic: string;
  state: FetchState;
  request: PartitionRequest;
}

const NO_SESSION = 0;
/** A full fetch that opens a session. */
const INITIAL_EPOCH = 0;
const SESSION_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
  ErrorCode.INVALID_FETCH_SESSION_EPOCH,
  ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR,
]);

function samePosition(a: PartitionRequest, b: PartitionRequest): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.lastFetchedEpoch === b.lastFetchedEpoch &&
    a.logStartOffset === b.logStartOffset &&
    a.partitionMaxBytes === b.partitionMaxBytes
  );
}

export class ReplicaFetcher {
  private readonly partitions = new Map<string, FetchState>();
  private client: WireClient | undefined;
  private clientAddress = '';
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** The leader's session for this fetcher: its id (0: none yet), the epoch the next request carries, and what it holds. */
  private session = { id: NO_SESSION, epoch: INITIAL_EPOCH, entries: new Map<string, SessionEntry>() };

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
          this.resetSession();
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
    this.resetSession();
    this.client = await WireClient.connect({
      host: address.host,
      port: address.port,
      clientId: `broker-ts-replica-fetcher-${this.options.localId}`,
      connectTimeoutMs: 1000,
      requestTimeoutMs: this.options.maxWaitMs + 5000,
      ...this.options.clientSecurity,
    });
    this.clientAddress = key;
    return this.client;
  }

  /** The next fetch is a full one that opens a new session. */
  private resetSession(): void {
    this.session = { id: NO_SESSION, epoch: INITIAL_EPOCH, entries: new Map() };
  }

  private async fetchOnce(states: FetchState[]): Promise<void> {
    const client = await this.connect();
    const wanted = new Map<string, SessionEntry>();
    for (const state of states) {
      const log = state.partition.log;
      wanted.set(`${state.partition.topic}\0${state.partition.index}`, {
        topic: state.partition.topic,
        state,
        request: {
          partition: state.partition.index,
          currentLeaderEpoch: state.leaderEpoch,
          fetchOffset: log.logEndOffset,
          lastFetchedEpoch: this.options.skipTruncation ? -1 : (log.latestEpoch ?? -1),
          logStartOffset: log.logStartOffset,
          partitionMaxBytes: this.options.maxBytes,
        },
      });
    }
    const { id: sessionId, epoch: sessionEpoch, entries: held } = this.session;
    const full = sessionId === NO_SESSION;
    // A full fetch names every partition; an incremental one the new and moved ones, and forgets the rest.
    const named = [...wanted]
      .filter(([key, entry]) => {
        const before = full ? undefined : held.get(key);
        return before === undefined || !samePosition(before.request, entry.request);
      })
      .map(([, entry]) => entry);
    const forgotten = full ? [] : [...held].filter(([key]) => !wanted.has(key)).map(([, entry]) => entry);
    const response = await client.send(ApiKey.Fetch, FETCH_VERSION, {
      replicaId: this.options.localId,
      maxWaitMs: this.options.maxWaitMs,
      minBytes: 1,
      maxBytes: this.options.maxBytes * Math.max(1, states.length),
      isolationLevel: 0,
      sessionId,
      sessionEpoch,
      topics: byTopic(named, (entry) => entry.request).map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: byTopic(forgotten, (entry) => entry.request.partition).map(([topic, partitions]) => ({ topic, partitions })),
      rackId: '',
    });
    const errorCode = response.errorCode ?? ErrorCode.NONE;
    if (errorCode !== ErrorCode.NONE) {
      // The leader lost or refused the session (restart, eviction, epoch mismatch): start a new one.
      this.resetSession();
      if (!SESSION_ERRORS.has(errorCode)) throw new Error(`fetch from leader ${this.options.leaderId} failed with error code ${errorCode}`);
      return;
    }
    // What the leader's session holds now; a leader without room for a session (id 0) is asked in full again.
    const newId = response.sessionId ?? NO_SESSION;
    if (full && newId !== NO_SESSION) {
      this.options.logger.info({ leader: this.options.leaderId, sessionId: newId, partitions: wanted.size }, 'fetch session with the leader opened');
    }
    this.session = { id: newId, epoch: newId === NO_SESSION ? INITIAL_EPOCH : nextEpoch(full ? INITIAL_EPOCH : sessionEpoch), entries: wanted };
    const flushes: Promise<void>[] = [];
    const outOfRange: SessionEntry[] = [];
    for (const topic of response.responses) {
      for (const data of topic.partitions) {
        const entry = wanted.get(`${topic.topic}\0${data.partitionIndex}`);
        if (entry === undefined) continue;
        const flushed = this.process(entry.state, entry.request.fetchOffset, data, () => outOfRange.push(entry));
        if (flushed !== undefined) flushes.push(flushed);
      }
    }
    for (const entry of outOfRange) await this.startOverIfBelowLeaderStart(client, entry);
    // The next fetch tells the leader this log's end, and the leader counts what a follower has
    // toward the high watermark: under a flush policy (log.flush.interval.messages=1, say) it must
    // be on disk first, as Kafka's follower flushes inside its append. Otherwise an acks=all write
    // is acknowledged while only the leader has it on disk, and a power cut that elects a
    // follower loses it. A failed flush is the log's to report; the next fetch goes on.
    await Promise.all(flushes.map((flushed) => flushed.catch(() => {})));
  }

  private process(
    state: FetchState,
    fetchOffset: bigint,
    data: { errorCode: number; highWatermark: bigint; logStartOffset?: bigint; records: Buffer | null; divergingEpoch?: { epoch: number; endOffset: bigint } },
    belowLeaderStart: () => void,
  ): Promise<void> | undefined {
    const { partition } = state;
    // The partition moved on (new leader, new epoch, deleted) while the request was out.
    const current = this.partitions.get(`${partition.topic}\0${partition.index}`);
    if (
      current !== state ||
      partition.isRemoved ||
      partition.isLeader ||
      partition.leaderEpoch !== state.leaderEpoch ||
      partition.log.logEndOffset !== fetchOffset
    )
      return;
    if (data.errorCode !== ErrorCode.NONE) {
      if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && partition.highWatermark < fetchOffset && !this.options.skipTruncation) {
        // The leader's log is shorter than this one (it can only be a diverging suffix): start over from the high watermark.
        this.options.logger.info(
          { topic: partition.topic, partition: partition.index, fetchOffset, truncateTo: partition.highWatermark },
          'follower log ahead of the leader: truncating to the high watermark',
        );
        partition.truncateTo(partition.highWatermark);
        return;
      }
      // Otherwise this log may end below the leader's log start (it deleted records meanwhile).
      if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) belowLeaderStart();
      state.delayedUntil = Date.now() + BACKOFF_MS;
      return;
    }
    const diverging = data.divergingEpoch;
    if (diverging !== undefined && diverging.epoch >= 0 && !this.options.skipTruncation) {
      const log = partition.log;
      const truncateTo = truncationOffset(diverging, log.endOffsetForEpoch(diverging.epoch), log.logStartOffset);
      this.options.logger.info(
        { topic: partition.topic, partition: partition.index, from: log.logEndOffset, to: truncateTo, leaderEpoch: diverging.epoch },
        'truncating a log that diverged from the leader',
      );
      partition.truncateTo(truncateTo);
      return;
    }
    const flushed = data.records !== null && data.records.length > 0 ? partition.appendAsFollower(data.records) : undefined;
    partition.updateFollowerHighWatermark(data.highWatermark);
    const leaderStart = data.logStartOffset ?? -1n;
    const started = leaderStart > partition.log.logStartOffset ? partition.followLeaderLogStart(leaderStart) : undefined;
    return started === undefined ? flushed : Promise.all([flushed, started]).then(() => undefined);
  }

  /**
   * Kafka's fetchOffsetAndTruncate for a follower whose log ends below the leader's log start: it
   * asks the leader for its earliest offset (ListOffsets as a replica) and starts an empty log there.
   */
  private async startOverIfBelowLeaderStart(client: WireClient, entry: SessionEntry): Promise<void> {
    const { partition, leaderEpoch } = entry.state;
    const response = await client.send(ApiKey.ListOffsets, LIST_OFFSETS_VERSION, {
      replicaId: this.options.localId,
      isolationLevel: 0,
      topics: [{ name: partition.topic, partitions: [{ partitionIndex: partition.index, currentLeaderEpoch: leaderEpoch, timestamp: EARLIEST_TIMESTAMP }] }],
    });
    const answer = response.topics[0]?.partitions[0];
    if (answer === undefined || answer.errorCode !== ErrorCode.NONE) return;
    // Still the same follower, at the same place: nothing moved while the request was out.
    const current = this.partitions.get(`${partition.topic}\0${partition.index}`);
    if (current !== entry.state || partition.isLeader || partition.leaderEpoch !== leaderEpoch) return;
    const end = partition.log.logEndOffset;
    if (end !== entry.request.fetchOffset || answer.offset <= end) return;
    this.options.logger.info(
      { topic: partition.topic, partition: partition.index, logEndOffset: end, leaderLogStartOffset: answer.offset },
      "follower log ends below the leader's log start: starting over there",
    );
    partition.startOverAt(answer.offset);
    entry.state.delayedUntil = 0;
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

function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}

/** Entries grouped by topic, in first-seen order, as a request lists them. */
function byTopic<T>(entries: readonly SessionEntry[], item: (entry: SessionEntry) => T): [string, T[]][] {
  const topics = new Map<string, T[]>();
  for (const entry of entries) {
    const list = topics.get(entry.topic) ?? [];
    list.push(item(entry));
    topics.set(entry.topic, list);
  }
  return [...topics];
}
