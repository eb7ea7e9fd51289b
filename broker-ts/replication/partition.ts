// One partition replica on this node: its log and its replication state (leader, leader epoch,
// partition epoch, replicas, ISR, high watermark, log end offset), after Kafka's Partition class.
//
// As leader it appends produce requests, serves follower fetches (checking that the follower's log
// agrees with its own, else answering with the epoch where they diverge), tracks each follower's
// log end offset, and moves the high watermark to the smallest one over the ISR. It proposes ISR
// changes (a follower that caught up joins, one that lags longer than replica.lag.time.max.ms
// leaves) to the controller; until one is committed the high watermark counts the larger ISR. The
// high watermark also never passes an append still waiting for an fsync the flush policy requires
// (Kafka's append fsyncs before its high watermark moves). As follower it copies the leader's
// batches and learns the high watermark from the leader's answers.
import { OffsetOutOfRangeError } from '../storage/index.js';
import type { AppendResult, PartitionLog, ReadOptions, TimestampAndOffset } from '../storage/index.js';
import { ApiError } from '../errors/api-error.js';
import { FollowerTracking } from './follower-tracking.js';
import { divergingEpoch } from './log-divergence.js';
import type { PartitionRegistration } from '../metadata/metadata-image.js';

export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;

/** A follower's Fetch of this partition, as its request states it. */
export interface FollowerFetch {
  replicaId: number;
  fetchOffset: bigint;
  /** The follower's log start offset (-1 when the request version has none). */
  logStartOffset: bigint;
  /** KIP-595: the epoch of the follower's last batch, -1 when unknown. */
  lastFetchedEpoch: number;
  currentLeaderEpoch: number;
  maxBytes: number;
}

export interface FollowerFetchResult {
  records: Buffer;
  highWatermark: bigint;
  logStartOffset: bigint;
  /** Set when the follower's log diverges from this leader's: it must truncate to at most this. */
  divergingEpoch: { epoch: number; endOffset: bigint } | undefined;
}

/** What the partition needs from its owner to change the ISR, and to know which brokers are up. */
export interface IsrChangeSink {
  /** Sends an AlterPartition for this partition; the answer comes back through onIsrCommitted. */
  proposeIsr(partition: Partition, isr: readonly number[]): void;
  /** A broker that may join an ISR (registered, unfenced, not shutting down). */
  eligible(brokerId: number): boolean;
  /** A registered, unfenced broker (Kafka's hasAliveBroker): DeleteRecords waits for its replicas. */
  live(brokerId: number): boolean;
}

export class Partition {
  private registration: PartitionRegistration;
  private highWatermarkOffset: bigint;
  /** Base offsets of appends whose acknowledgement waits for the fsync the flush policy requires, oldest first. */
  private readonly awaitingFlush: bigint[] = [];
  /** The leader's view of its followers; undefined while this replica follows. */
  private followers: FollowerTracking | undefined;
  /** Where this leader's epoch starts in the log. */
  private epochStartOffset = 0n;
  /** The ISR of an AlterPartition in flight. */
  private pendingIsr: readonly number[] | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly appendWaiters = new Set<() => void>();
  private removed = false;
  /** The topic's min.insync.replicas, kept current by the replica manager as configs change. */
  minInsyncReplicas = 1;
  /** broker.ts.bug.hw.ignores.min.isr: the high watermark moves below min.insync.replicas too (unsafe on purpose). */
  hwIgnoresMinIsr = false;
  isrSink: IsrChangeSink | undefined;

  constructor(
    readonly localNodeId: number,
    readonly log: PartitionLog,
    registration: PartitionRegistration,
    private readonly now: () => number = Date.now,
  ) {
    this.registration = registration;
    // Not known until the ISR (or, as follower, the leader) says so: nothing is readable yet.
    this.highWatermarkOffset = log.logStartOffset;
    this.becomeLeaderIfElected(undefined);
    this.maybeIncrementHighWatermark();
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

  /**
   * min.insync.replicas as Kafka applies it: never more than the partition has replicas, so that a
   * topic with fewer replicas than the cluster's minimum still takes acks=all writes.
   */
  get effectiveMinIsr(): number {
    return Math.min(this.minInsyncReplicas, this.registration.replicas.length);
  }

  /**
   * Fewer in-sync replicas than that: acks=all is refused, and the high watermark stands still, so
   * that what acks=0/1 writes add is not read until enough replicas hold it (KIP-966, Kafka 3.7+).
   * Every replica that was in the ISR when the high watermark last moved holds everything below it:
   * the controller may elect any of them (the eligible leader replicas) without losing a read.
   */
  get isUnderMinIsr(): boolean {
    return this.registration.isr.length < this.effectiveMinIsr;
  }

  /** What read_committed consumers may read up to: the high watermark, held back by open (or unreplicated) transactions. */
  get lastStableOffset(): bigint {
    const unstable = this.log.firstUnstableOffset(this.highWatermarkOffset);
    return unstable !== undefined && unstable < this.highWatermarkOffset ? unstable : this.highWatermarkOffset;
  }

  /** Aborted transactions with records in [fetchOffset, upperBound), for a read_committed fetch. */
  abortedTransactions(fetchOffset: bigint, upperBound: bigint): { producerId: bigint; firstOffset: bigint }[] {
    return this.log.abortedTransactions(fetchOffset, upperBound).map((txn) => ({ producerId: txn.producerId, firstOffset: txn.firstOffset }));
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

  /** The ISR as the high watermark counts it: the committed one plus members being added. */
  get maximalIsr(): readonly number[] {
    if (this.pendingIsr === undefined) return this.registration.isr;
    return [...new Set([...this.registration.isr, ...this.pendingIsr])];
  }

  get leaderEpochStartOffset(): bigint {
    return this.epochStartOffset;
  }

  /** A new registration from the metadata log (leader or ISR change, new epochs); older ones are ignored. */
  update(registration: PartitionRegistration): void {
    const previous = this.registration;
    const older =
      registration.leaderEpoch < previous.leaderEpoch ||
      (registration.leaderEpoch === previous.leaderEpoch && registration.partitionEpoch < previous.partitionEpoch);
    if (older && previous !== registration) return;
    this.registration = registration;
    if (registration.partitionEpoch !== previous.partitionEpoch) this.pendingIsr = undefined;
    this.becomeLeaderIfElected(previous);
    if (!this.isLeader) this.followers = undefined;
    this.maybeIncrementHighWatermark();
    this.wakeWaiters();
    this.wakeAppendWaiters();
  }

  /** An AlterPartition this leader sent was answered with the partition's new state. */
  onIsrCommitted(state: { leaderEpoch: number; partitionEpoch: number; isr: readonly number[] }): void {
    if (state.leaderEpoch !== this.registration.leaderEpoch || state.partitionEpoch <= this.registration.partitionEpoch) {
      if (state.partitionEpoch === this.registration.partitionEpoch) this.pendingIsr = undefined;
      return;
    }
    this.registration = { ...this.registration, isr: [...state.isr], partitionEpoch: state.partitionEpoch };
    this.pendingIsr = undefined;
    this.maybeIncrementHighWatermark();
    this.wakeWaiters();
  }

  /** The AlterPartition failed or was refused: the next check may propose again. */
  onIsrProposalFailed(): void {
    this.pendingIsr = undefined;
  }

  /** Drops ISR members that have not caught up for `lagMs` (Kafka's ISR expiration). */
  maybeShrinkIsr(lagMs: number): void {
    if (!this.isLeader || this.followers === undefined || this.pendingIsr !== undefined || this.removed) return;
    const lagging = this.followers.laggingMembers(this.registration.isr, this.now(), lagMs);
    if (lagging.length === 0) return;
    this.proposeIsr(this.registration.isr.filter((id) => !lagging.includes(id)));
  }

  /**
   * A follower's fetch (KIP-595 validation with its last fetched epoch, then its progress): returns
   * the batches after `fetchOffset` up to the log end, or the epoch where the follower diverges.
   */
  readForFollower(fetch: FollowerFetch): FollowerFetchResult {
    const { replicaId, fetchOffset, lastFetchedEpoch, currentLeaderEpoch, maxBytes } = fetch;
    this.checkLeader(currentLeaderEpoch);
    if (lastFetchedEpoch >= 0) {
      const diverging = divergingEpoch(this.log.endOffsetForEpoch(lastFetchedEpoch), fetchOffset, lastFetchedEpoch);
      if (diverging !== undefined)
        return { records: Buffer.alloc(0), highWatermark: this.highWatermarkOffset, logStartOffset: this.log.logStartOffset, divergingEpoch: diverging };
    }
    if (fetchOffset > this.log.logEndOffset || fetchOffset < this.log.logStartOffset) {
      throw new OffsetOutOfRangeError(
        `follower ${replicaId} fetched ${this.topic}-${this.index} at ${fetchOffset}, outside [${this.log.logStartOffset}, ${this.log.logEndOffset}]`,
      );
    }
    this.followers!.onFetch(replicaId, fetchOffset, this.log.logEndOffset, this.now());
    // DeleteRecords waits for the followers' log starts (the low watermark).
    if (this.followers!.onLogStart(replicaId, fetch.logStartOffset)) this.wakeWaiters();
    this.maybeIncrementHighWatermark();
    this.maybeExpandIsr(replicaId);
    const records = fetchOffset < this.log.logEndOffset ? this.log.read(fetchOffset, maxBytes, { minOneBatch: true }) : Buffer.alloc(0);
    return { records, highWatermark: this.highWatermarkOffset, logStartOffset: this.log.logStartOffset, divergingEpoch: undefined };
  }

  /**
   * Batches fetched from the leader, appended as they are; the log keeps `records` without a copy.
   * Resolves once they are on disk when the flush policy wants them there (undefined otherwise).
   */
  appendAsFollower(records: Buffer): Promise<void> | undefined {
    if (this.isLeader || this.removed) return undefined;
    return this.log.appendAsFollower(records, { handedOver: true }).flushed;
  }

  /** The leader's high watermark, as its fetch answer gave it (never past this log's end). */
  updateFollowerHighWatermark(leaderHighWatermark: bigint): void {
    if (this.isLeader) return;
    const end = this.log.logEndOffset;
    this.highWatermarkOffset = leaderHighWatermark < end ? leaderHighWatermark : end;
  }

  /**
   * A follower takes the leader's log start offset from its fetch answer (Kafka's follower does,
   * with LeaderOffsetIncremented): records the leader deleted (DeleteRecords, retention) go here
   * too, so they cannot come back if this replica leads. Never past this replica's high watermark.
   */
  async followLeaderLogStart(leaderLogStartOffset: bigint): Promise<void> {
    if (this.isLeader || this.removed || leaderLogStartOffset <= this.log.logStartOffset) return;
    const target = leaderLogStartOffset < this.highWatermarkOffset ? leaderLogStartOffset : this.highWatermarkOffset;
    if (target > this.log.logStartOffset) await this.log.deleteRecordsBefore(target);
  }

  /**
   * This follower's log ends below the leader's log start: nothing it has can be continued, so it
   * starts an empty log there (Kafka's fetchOffsetAndTruncate with truncateFullyAndStartAt).
   */
  startOverAt(leaderLogStartOffset: bigint): void {
    if (this.isLeader || this.removed) return;
    this.log.truncateFullyAndStartAt(leaderLogStartOffset);
    this.highWatermarkOffset = leaderLogStartOffset;
  }

  /** Retention (log.retention.check.interval.ms): old segments below the high watermark go. */
  deleteOldSegments(): Promise<number> {
    if (this.removed || !this.log.isOpen) return Promise.resolve(0);
    return this.log.deleteOldSegments(this.highWatermarkOffset);
  }

  /** Drops this replica's batches from `offset` on (a diverging suffix). */
  truncateTo(offset: bigint): void {
    if (this.isLeader) return;
    this.log.truncateTo(offset);
    if (this.highWatermarkOffset > this.log.logEndOffset) this.highWatermarkOffset = this.log.logEndOffset;
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
   * under the minimum, as Kafka does. The log stamps and keeps `batches` without a copy.
   */
  appendRecordsToLeader(batches: Buffer, requiredAcks: number, origin: 'client' | 'coordinator' = 'client'): AppendResult {
    this.checkLeader();
    if (requiredAcks === -1 && this.isUnderMinIsr) throw this.notEnoughReplicas('NOT_ENOUGH_REPLICAS');
    const result = this.log.appendAsLeader(batches, this.leaderEpoch, { origin, handedOver: true });
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
    if (!result.duplicate) this.wakeAppendWaiters();
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

  /**
   * DeleteRecords on the leader: -1 means the high watermark; beyond it is out of range. Resolves
   * with the offset asked for, which the low watermark must reach before the request is answered.
   */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    this.checkLeader();
    const target = offset === -1n ? this.highWatermark : offset;
    if (target < 0n || target > this.highWatermark) {
      throw ApiError.of(
        'OFFSET_OUT_OF_RANGE',
        `Cannot delete records of ${this.topic}-${this.index} up to ${target}: the high watermark is ${this.highWatermark}`,
      );
    }
    await this.log.deleteRecordsBefore(target);
    return target;
  }

  /** Kafka's lowWatermarkIfLeader: the smallest log start over this leader and its followers on live brokers. */
  get lowWatermark(): bigint {
    this.checkLeader();
    const live = (id: number) => this.isrSink?.live(id) ?? true;
    return this.followers?.lowWatermark(this.log.logStartOffset, live) ?? this.log.logStartOffset;
  }

  /**
   * Kafka's DelayedDeleteRecords: resolves with the low watermark once it reaches `offset`, or with
   * undefined after the timeout. NOT_LEADER_OR_FOLLOWER if this replica stops leading meanwhile.
   */
  waitForLowWatermark(offset: bigint, timeoutMs: number): Promise<bigint | undefined> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let low: bigint;
        try {
          low = this.lowWatermark;
        } catch (error) {
          finish();
          reject(error);
          return true;
        }
        if (low < offset) return false;
        finish();
        resolve(low);
        return true;
      };
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(undefined);
      }, timeoutMs);
      if (!check()) this.waiters.add(wake);
    });
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

  /**
   * Called whenever the high watermark moves or the partition changes (consumers' long polls), and
   * with `onAppend` also when the leader appends (followers' long polls).
   */
  addWaiter(waiter: () => void, onAppend = false): void {
    (onAppend ? this.appendWaiters : this.waiters).add(waiter);
  }

  removeWaiter(waiter: () => void): void {
    this.waiters.delete(waiter);
    this.appendWaiters.delete(waiter);
  }

  /** The partition left this node (topic deleted or reassigned): wake everyone waiting on it. */
  markRemoved(): void {
    this.removed = true;
    this.followers = undefined;
    this.wakeWaiters();
    this.wakeAppendWaiters();
  }

  private becomeLeaderIfElected(previous: PartitionRegistration | undefined): void {
    if (!this.isLeader) return;
    if (
      previous === undefined ||
      previous.leaderEpoch !== this.registration.leaderEpoch ||
      previous.leader !== this.registration.leader ||
      this.followers === undefined
    ) {
      // The new epoch starts at the log end: what a follower with a longer log must truncate to (KIP-101).
      const latest = this.log.latestEpoch;
      if (latest === undefined || latest < this.leaderEpoch) this.log.assignEpochStartOffset(this.leaderEpoch, this.log.logEndOffset);
      this.epochStartOffset = this.log.logEndOffset;
      this.followers = new FollowerTracking(this.localNodeId, this.registration.replicas, this.registration.isr, this.now());
      this.pendingIsr = undefined;
    }
  }

  private maybeExpandIsr(replicaId: number): void {
    if (this.pendingIsr !== undefined || this.registration.isr.includes(replicaId) || !this.registration.replicas.includes(replicaId)) return;
    if (!this.followers!.canJoin(replicaId, this.highWatermarkOffset, this.epochStartOffset)) return;
    if (this.isrSink !== undefined && !this.isrSink.eligible(replicaId)) return;
    this.proposeIsr([...this.registration.isr, replicaId]);
  }

  private proposeIsr(isr: readonly number[]): void {
    if (this.isrSink === undefined || isr.length === 0) return;
    this.pendingIsr = isr;
    this.isrSink.proposeIsr(this, isr);
  }

  /** NOT_ENOUGH_REPLICAS (before the append) or NOT_ENOUGH_REPLICAS_AFTER_APPEND (the ISR shrank while an acks=all write waited). */
  notEnoughReplicas(error: 'NOT_ENOUGH_REPLICAS' | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'): ApiError {
    return ApiError.of(
      error,
      `The size of the current ISR [${this.registration.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${this.effectiveMinIsr} for partition ${this.topic}-${this.index}`,
    );
  }

  private maybeIncrementHighWatermark(): void {
    if (!this.isLeader || this.followers === undefined || (this.isUnderMinIsr && !this.hwIgnoresMinIsr)) return;
    let leaderEnd = this.log.logEndOffset;
    const oldestUnflushed = this.awaitingFlush[0];
    if (oldestUnflushed !== undefined && oldestUnflushed < leaderEnd) leaderEnd = oldestUnflushed;
    const next = this.followers.highWatermark(this.highWatermarkOffset, leaderEnd, this.maximalIsr);
    if (next > this.highWatermarkOffset) {
      this.highWatermarkOffset = next;
      this.wakeWaiters();
    }
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private wakeAppendWaiters(): void {
    for (const waiter of [...this.appendWaiters]) waiter();
  }
}
