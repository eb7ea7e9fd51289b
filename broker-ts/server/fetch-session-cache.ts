// Incremental fetch sessions (KIP-227), after Kafka's FetchSession.scala. A full fetch (epoch 0)
// creates a session holding the fetched partitions; later requests (epoch 1, 2, ...) name only the
// partitions that changed and the forgotten ones, and the response carries only partitions with
// something new (records, a moved high watermark or log start offset, an error). Epoch -1 asks for
// a full fetch without a session (kafkajs, librdkafka); a full cache answers session id 0, which
// clients take as "no session".
import { randomInt } from 'node:crypto';
import { ErrorCode } from '@kafka-chaos/protocol';

export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
/** A session unused this long may be evicted to make room (Kafka's eviction of stale sessions). */
const STALE_SESSION_MS = 120_000;

export interface FetchedPartitionRequest {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  logStartOffset: bigint;
  /** Followers (v12+): the epoch of their last batch, checked against the leader's log. */
  lastFetchedEpoch?: number;
}

/** A partition of a session, with what the client was last told about it. */
export interface SessionPartition extends FetchedPartitionRequest {
  sentHighWatermark: bigint;
  sentLogStartOffset: bigint;
}

export interface PartitionResponseSummary {
  errorCode: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  recordBytes: number;
  /** The answer tells a follower where its log diverges (v12+). */
  divergingEpoch: boolean;
}

class FetchSession {
  /** The epoch the next request of this session must carry. */
  epoch = 1;
  lastUsedMs: number;
  /** Insertion order is fetch order; partitions that returned data move to the back (fairness). */
  readonly partitions = new Map<string, SessionPartition>();

  constructor(
    readonly id: number,
    readonly usesTopicIds: boolean,
    now: number,
  ) {
    this.lastUsedMs = now;
  }
}

export type FetchContext =
  | { kind: 'sessionless'; partitions: FetchedPartitionRequest[] }
  | { kind: 'full'; partitions: FetchedPartitionRequest[]; usesTopicIds: boolean }
  | { kind: 'incremental'; partitions: SessionPartition[]; session: FetchSession }
  | { kind: 'error'; errorCode: number; sessionId: number };

export function partitionKey(topicOrId: string, partition: number): string {
  return `${topicOrId}\0${partition}`;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(
    private readonly maxSessions: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Interprets a request's session fields. For an incremental request the session is updated with
   * the request's partitions and forgotten partitions first, and the partitions to fetch are all
   * of the session's.
   */
  newContext(
    sessionId: number,
    sessionEpoch: number,
    usesTopicIds: boolean,
    requested: readonly FetchedPartitionRequest[],
    forgotten: readonly { topicOrId: string; partition: number }[],
  ): FetchContext {
    if (sessionEpoch === INITIAL_EPOCH || sessionEpoch === FINAL_EPOCH) {
      // Any session named in a full fetch is closed.
      if (sessionId !== INVALID_SESSION_ID) this.sessions.delete(sessionId);
      if (sessionEpoch === FINAL_EPOCH) return { kind: 'sessionless', partitions: [...requested] };
      return { kind: 'full', partitions: [...requested], usesTopicIds };
    }
    const session = this.sessions.get(sessionId);
    if (session === undefined) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: INVALID_SESSION_ID };
    if (session.epoch !== sessionEpoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: INVALID_SESSION_ID };
    if (session.usesTopicIds !== usesTopicIds) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, sessionId: INVALID_SESSION_ID };
    for (const part of requested) {
      const key = partitionKey(usesTopicIds ? part.topicId : part.topic, part.partition);
      const cached = session.partitions.get(key);
      if (cached === undefined) session.partitions.set(key, { ...part, sentHighWatermark: -1n, sentLogStartOffset: -1n });
      else Object.assign(cached, part);
    }
    for (const { topicOrId, partition } of forgotten) session.partitions.delete(partitionKey(topicOrId, partition));
    if (session.partitions.size === 0) {
      this.sessions.delete(session.id);
      return { kind: 'sessionless', partitions: [...requested] };
    }
    session.lastUsedMs = this.now();
    session.epoch = nextEpoch(session.epoch);
    return { kind: 'incremental', partitions: [...session.partitions.values()], session };
  }

  /**
   * After a full fetch: creates the session that remembers what was sent, when there is room.
   * Returns the session id to answer with (0: none).
   */
  createSession(usesTopicIds: boolean, partitions: readonly FetchedPartitionRequest[], sent: readonly PartitionResponseSummary[]): number {
    const now = this.now();
    if (this.sessions.size >= this.maxSessions && !this.evictStale(now)) return INVALID_SESSION_ID;
    let id: number;
    do id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id));
    const session = new FetchSession(id, usesTopicIds, now);
    partitions.forEach((part, i) => {
      const summary = sent[i]!;
      session.partitions.set(partitionKey(usesTopicIds ? part.topicId : part.topic, part.partition), {
        ...part,
        sentHighWatermark: summary.errorCode === ErrorCode.NONE ? summary.highWatermark : -1n,
        sentLogStartOffset: summary.logStartOffset,
      });
    });
    this.sessions.set(id, session);
    return id;
  }

  /**
   * Which partitions of an incremental response to send, updating what the session remembers as
   * sent: the ones with records, errors, or a changed high watermark or log start offset.
   */
  selectIncremental(context: Extract<FetchContext, { kind: 'incremental' }>, summaries: readonly PartitionResponseSummary[]): boolean[] {
    const { session } = context;
    return context.partitions.map((part, i) => {
      const summary = summaries[i]!;
      let include = summary.recordBytes > 0;
      if (part.sentHighWatermark !== summary.highWatermark) {
        include = true;
        part.sentHighWatermark = summary.highWatermark;
      }
      if (part.sentLogStartOffset !== summary.logStartOffset) {
        include = true;
        part.sentLogStartOffset = summary.logStartOffset;
      }
      if (summary.errorCode !== ErrorCode.NONE) {
        include = true;
        part.sentHighWatermark = -1n;
      }
      // A follower must learn where to truncate even when nothing else changed.
      if (summary.divergingEpoch) include = true;
      if (summary.recordBytes > 0) {
        const key = partitionKey(session.usesTopicIds ? part.topicId : part.topic, part.partition);
        session.partitions.delete(key);
        session.partitions.set(key, part);
      }
      return include;
    });
  }

  private evictStale(now: number): boolean {
    let oldest: FetchSession | undefined;
    for (const session of this.sessions.values()) if (oldest === undefined || session.lastUsedMs < oldest.lastUsedMs) oldest = session;
    if (oldest === undefined || now - oldest.lastUsedMs < STALE_SESSION_MS) return false;
    this.sessions.delete(oldest.id);
    return true;
  }
}

function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}
