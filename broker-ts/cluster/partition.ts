// One partition replica on this node: its log and its replication state (leader, leader epoch,
// partition epoch, replicas, ISR, high watermark, log end offset), after Kafka's Partition class.
//
// The high watermark is what consumers may read: the highest offset every ISR member has, and (as in
// Kafka, whose append fsyncs before the high watermark moves when the flush policy asks for it)
// never past an append still waiting for its required fsync. On one node the ISR is this replica
// alone, so the high watermark follows the log end offset; issue 4 adds followers' fetch positions
// to `replicaEndOffsets`, and the same computation then gives Kafka's rule.
import type { AppendResult, PartitionLog, ReadOptions, TimestampAndOffset } from '../storage/index.js';
import { ApiError } from '../server/api-error.js';
import type { PartitionRegistration } from './metadata-image.js';

export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;

export class Partition {
  private registration: PartitionRegistration;
  private highWatermarkOffset: bigint;
  /** Base offsets of appends whose acknowledgement waits for the fsync the flush policy requires, oldest first. */
  private readonly awaitingFlush: bigint[] = [];
  /** Log end offsets followers reported by fetching (issue 4); this replica's own is the log's. */
  private readonly replicaEndOffsets = new Map<number, bigint>();
  private readonly waiters = new Set<() => void>();
  private removed = false;
  /** The topic's min.insync.replicas, kept current by the replica manager as configs change. */
  minInsyncReplicas = 1;

  constructor(
    readonly localNodeId: number,
    readonly log: PartitionLog,
    registration: PartitionRegistration,
  ) {
    this.registration = registration;
    this.highWatermarkOffset = log.logEndOffset;
    this.becomeLeaderIfElected(undefined);
  }

  get topic(): string {
    return this.registration.topicName;
  }

  get topicId(): string {
    return this.registration.topicId;
  }

  get index(): number {
    return this.registration.partition;
  }

  get state(): Readonly<PartitionRegistration> {
    return this.registration;
  }

  get leaderId(): number {
    return this.registration.leader;
  }

  get leaderEpoch(): number {
    return this.registration.leaderEpoch;
  }

  get isLeader(): boolean {
    return this.registration.leader === this.localNodeId;
  }

  get isr(): readonly number[] {
    return this.registration.isr;
  }

  get highWatermark(): bigint {
    return this.highWatermarkOffset;
  }

  /** Without transactions every offset below the high watermark is stable. */
  get lastStableOffset(): bigint {
    return this.highWatermarkOffset;
  }

  get logEndOffset(): bigint {
    return this.log.logEndOffset;
  }

  get logStartOffset(): bigint {
    return this.log.logStartOffset;
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  /** A new registration from the metadata log (leader or ISR change, new epochs). */
  update(registration: PartitionRegistration): void {
    const previous = this.registration;
    this.registration = registration;
    this.becomeLeaderIfElected(previous);
    this.maybeIncrementHighWatermark();
    this.wakeWaiters();
  }

  /** Throws NOT_LEADER_OR_FOLLOWER unless this replica leads, and checks a client's idea of the epoch (KIP-320). */
  checkLeader(currentLeaderEpoch = -1): void {
    if (this.removed || !this.isLeader) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
    if (currentLeaderEpoch !== -1) {
      if (currentLeaderEpoch < this.leaderEpoch) throw ApiError.of('FENCED_LEADER_EPOCH');
      if (currentLeaderEpoch > this.leaderEpoch) throw ApiError.of('UNKNOWN_LEADER_EPOCH');
    }
  }

  /**
   * A produce request's batches for this partition. acks=all is refused up front when the ISR is
   * smaller than min.insync.replicas, as Kafka does.
   */
  appendRecordsToLeader(batches: Buffer, requiredAcks: number, minInsyncReplicas: number, origin: 'client' | 'coordinator' = 'client'): AppendResult {
    this.checkLeader();
    if (requiredAcks === -1 && this.registration.isr.length < minInsyncReplicas) {
      throw ApiError.of(
        'NOT_ENOUGH_REPLICAS',
        `The size of the current ISR [${this.registration.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${minInsyncReplicas} for partition ${this.topic}-${this.index}`,
      );
    }
    const result = this.log.appendAsLeader(batches, this.leaderEpoch, { origin });
    if (result.flushed !== undefined && !result.duplicate) {
      const base = result.baseOffset;
      this.awaitingFlush.push(base);
      const settled = () => {
        const at = this.awaitingFlush.indexOf(base);
        if (at >= 0) this.awaitingFlush.splice(at, 1);
        this.maybeIncrementHighWatermark();
      };
      result.flushed.then(settled, settled);
    }
    this.maybeIncrementHighWatermark();
    return result;
  }

  /** Batches for a consumer: from fetchOffset, never past the high watermark (or the last stable offset). */
  readForConsumer(fetchOffset: bigint, maxBytes: number, isolationLevel: number, minOneBatch: boolean): Buffer {
    const maxOffset = isolationLevel === IsolationLevel.READ_COMMITTED ? this.lastStableOffset : this.highWatermark;
    const options: ReadOptions = { maxOffset, minOneBatch };
    return this.log.read(fetchOffset, maxBytes, options);
  }

  offsetForTimestamp(timestamp: bigint, isolationLevel: number): TimestampAndOffset | undefined {
    const maxOffset = isolationLevel === IsolationLevel.READ_COMMITTED ? this.lastStableOffset : this.highWatermark;
    return this.log.offsetForTimestamp(timestamp, { maxOffset });
  }

  /** DeleteRecords: -1 means the high watermark; beyond it is out of range. */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    this.checkLeader();
    const target = offset === -1n ? this.highWatermark : offset;
    if (target < 0n || target > this.highWatermark) {
      throw ApiError.of('OFFSET_OUT_OF_RANGE', `Cannot delete records of ${this.topic}-${this.index} up to ${target}: the high watermark is ${this.highWatermark}`);
    }
    return this.log.deleteRecordsBefore(target);
  }

  /** Resolves once the high watermark reaches `offset` (acks=all), or with false after the timeout. */
  waitForHighWatermark(offset: bigint, timeoutMs: number): Promise<boolean> {
    if (this.highWatermark >= offset) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (this.highWatermark >= offset || this.removed || !this.isLeader) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(this.highWatermark >= offset);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(this.highWatermark >= offset);
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Called whenever the high watermark moves or the partition changes (long-polling fetches). */
  addWaiter(waiter: () => void): void {
    this.waiters.add(waiter);
  }

  removeWaiter(waiter: () => void): void {
    this.waiters.delete(waiter);
  }

  /** The partition left this node (topic deleted or reassigned): wake everyone waiting on it. */
  markRemoved(): void {
    this.removed = true;
    this.wakeWaiters();
  }

  private becomeLeaderIfElected(previous: PartitionRegistration | undefined): void {
    if (!this.isLeader) return;
    if (previous === undefined || previous.leaderEpoch !== this.registration.leaderEpoch || previous.leader !== this.registration.leader) {
      // The new epoch starts at the log end: what a follower with a longer log must truncate to (KIP-101).
      const latest = this.log.latestEpoch;
      if (latest === undefined || latest < this.leaderEpoch) this.log.assignEpochStartOffset(this.leaderEpoch, this.log.logEndOffset);
      this.replicaEndOffsets.clear();
    }
  }

  private maybeIncrementHighWatermark(): void {
    if (!this.isLeader) return;
    let candidate = this.log.logEndOffset;
    const oldestUnflushed = this.awaitingFlush[0];
    if (oldestUnflushed !== undefined && oldestUnflushed < candidate) candidate = oldestUnflushed;
    for (const replica of this.registration.isr) {
      if (replica === this.localNodeId) continue;
      const end = this.replicaEndOffsets.get(replica) ?? this.highWatermarkOffset;
      if (end < candidate) candidate = end;
    }
    if (candidate > this.highWatermarkOffset) {
      this.highWatermarkOffset = candidate;
      this.wakeWaiters();
    }
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
