// The log of one topic-partition, in its own directory: the equivalent of Kafka's UnifiedLog over
// its LocalLog (local-log.ts, the segments). It validates appends and assigns offsets and leader
// epochs on leader appends, copies leader data on follower appends, keeps producer state, the
// transaction index, the leader epoch cache and the checkpoints, serves fetches and timestamp
// lookups, moves its start and end, flushes according to the Kafka flush policy, and recovers from
// a crash when opened.
//
// All methods except flush/close/open run synchronously on the broker's event loop; only fsync and
// checkpoint writes are asynchronous. Methods returning a promise make their in-memory change before
// their first await, so the broker sees it at once.
import fs from 'node:fs';
import path from 'node:path';
import { isControlBatch, isTransactionalBatch, lastOffsetOf, setBaseOffset, setPartitionLeaderEpoch } from '@kafka-chaos/protocol';
import { ControlRecordType, transactionMarkerAt } from '@kafka-chaos/protocol';
import type { BatchHeader } from '@kafka-chaos/protocol';
import { hasProducerId, stampLogAppendTime } from './batch-header-helpers.js';
import { splitSoundBatches, validateProducedBatches } from './batch-validation.js';
import { CheckpointWriter, CorruptCheckpointError, readCheckpoint, renderCheckpoint } from './checkpoint-file.js';
import { createDirectoryDurably, fsyncDirectory, writeFileDurably } from './durable-fs.js';
import { KafkaStorageError, OffsetOutOfRangeError, RecordListTooLargeError, StorageError, UnexpectedAppendOffsetError } from './errors.js';
import { FlushCoordinator } from './flush-coordinator.js';
import type { FlushTarget } from './flush-coordinator.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import type { EpochEndOffset, EpochEntry } from './leader-epoch-cache.js';
import { resolveLogConfig } from './log-config.js';
import type { LogConfig } from './log-config.js';
import { ABORTED_TXNS_CHECKPOINT, CLEAN_SHUTDOWN_MARKER, LOG_START_OFFSET_CHECKPOINT, RECOVERY_POINT_CHECKPOINT } from './log-file-names.js';
import { loadLog } from './log-loader.js';
import { LocalLog } from './local-log.js';
import type { LogSegment } from './log-segment.js';
import type { TimestampAndOffset } from './log-segment.js';
import { CorruptSnapshotError, deleteSnapshot, listSnapshotOffsets, readSnapshot, writeSnapshot } from './producer-snapshots.js';
import { ProducerStateManager, firstOffsetOf } from './producer-state.js';
import type { AppendOrigin, BatchMetadata, CompletedTxn, ProducerAppendInfo, ProducerStateEntry } from './producer-state.js';
import { TransactionIndex } from './transaction-index.js';
import type { AbortedTxn } from './transaction-index.js';
import type { RecordsDecompressor } from './record-timestamps.js';
import type { AppendedBatch } from './segment-file.js';

export type { TimestampAndOffset } from './log-segment.js';

/** ListOffsets special timestamps. */
export const ListOffsetsTimestamp = {
  latest: -1n,
  earliest: -2n,
  maxTimestamp: -3n,
  earliestLocal: -4n,
  latestTiered: -5n,
} as const;

export interface PartitionLogOptions {
  config?: Partial<LogConfig>;
  /** Wall clock in milliseconds (LogAppendTime, segment.ms, producer expiration). */
  now?: () => number;
  /** Decompresses records for timestamp lookups; gzip is handled without it. */
  decompress?: RecordsDecompressor;
  /** Failures of work nobody awaits (background checkpoint writes, flushes after a roll). */
  onBackgroundError?: (error: unknown) => void;
  /** Called once when an I/O error takes the log offline (the log manager then fails its whole log dir). */
  onIoFailure?: (error: KafkaStorageError) => void;
}

export interface AppendAsLeaderOptions {
  /** 'coordinator' is for the group and transaction coordinators' own writes (no sequence checks, control batches allowed). */
  origin?: Exclude<AppendOrigin, 'replication'>;
  /** The caller hands the bytes over and never reads or reuses them again: they are stored (and stamped) without a copy. */
  handedOver?: boolean;
}

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** The time stamped on the batches when the topic uses LogAppendTime, -1 otherwise. */
  logAppendTime: bigint;
  logStartOffset: bigint;
  recordCount: number;
  /** The batches repeat ones already stored: nothing was appended, the offsets are the original ones. */
  duplicate: boolean;
  /** When defined, the flush policy requires this promise to resolve before the append is acknowledged. */
  flushed: Promise<void> | undefined;
}

export interface FollowerAppendResult {
  firstOffset: bigint;
  lastOffset: bigint;
  flushed: Promise<void> | undefined;
}

export interface ReadOptions {
  /** Exclusive upper bound: no batch reaching it is returned (the high watermark for consumers). */
  maxOffset?: bigint;
  /** Return the first batch even when it is larger than maxBytes (KIP-74). */
  minOneBatch?: boolean;
}

export interface OffsetForTimestampOptions {
  /** Exclusive bound on answers, and the answer to LATEST: the high watermark or last stable offset. */
  maxOffset?: bigint;
}

type LogState = 'open' | 'closing' | 'closed' | 'failed';

export class PartitionLog {
  readonly config: LogConfig;
  private readonly local: LocalLog;
  private logStart: bigint;
  private state: LogState = 'open';
  private readonly producers: ProducerStateManager;
  private readonly txnIndex = new TransactionIndex();
  private readonly now: () => number;
  private readonly decompress: RecordsDecompressor | undefined;
  private readonly onBackgroundError: (error: unknown) => void;
  private readonly onIoFailure: ((error: KafkaStorageError) => void) | undefined;
  /** Work a close cut short (a queued flush, say) is not worth reporting. */
  private readonly reportBackgroundError = (error: unknown): void => {
    if (this.state === 'closed') return;
    // A checkpoint or snapshot that cannot be written fails the log (and its dir), as in Kafka.
    if (this.state === 'open' && isIoError(error)) this.fail(error);
    this.onBackgroundError(error);
  };
  private readonly recoveryPointWriter: CheckpointWriter;
  private readonly logStartWriter: CheckpointWriter;
  private readonly backgroundWrites = new Set<Promise<void>>();
  private readonly flusher: FlushCoordinator;
  private lastFlushTime: number;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Counts truncations, so background work started before one can tell. */
  private truncations = 0;

  private constructor(
    readonly dir: string,
    config: LogConfig,
    private readonly epochCache: LeaderEpochCache,
    options: PartitionLogOptions,
    loaded: { segments: LogSegment[]; logStartOffset: bigint; logEndOffset: bigint; recoveryPoint: bigint },
  ) {
    this.config = config;
    this.local = new LocalLog(dir, config, loaded.segments, loaded.logEndOffset);
    this.logStart = loaded.logStartOffset;
    this.flusher = new FlushCoordinator(
      {
        logEndOffset: () => this.local.logEndOffset,
        flush: (upTo, target) => this.flushSegments(upTo, target),
        recoveryPointAdvanced: () => {
          if (this.state === 'open') this.recoveryPointWriter.write().catch(this.reportBackgroundError);
        },
      },
      loaded.recoveryPoint,
    );
    this.now = options.now ?? Date.now;
    this.decompress = options.decompress;
    this.onBackgroundError = options.onBackgroundError ?? ((error) => process.emitWarning(`partition log ${dir}: ${String(error)}`));
    this.onIoFailure = options.onIoFailure;
    this.producers = new ProducerStateManager(config.producerIdExpirationMs);
    this.lastFlushTime = this.now();
    this.recoveryPointWriter = new CheckpointWriter(path.join(dir, RECOVERY_POINT_CHECKPOINT), () => renderCheckpoint([[this.flusher.recoveryPoint]]));
    this.logStartWriter = new CheckpointWriter(path.join(dir, LOG_START_OFFSET_CHECKPOINT), () => renderCheckpoint([[this.logStart]]));
  }

  /** Opens (creating if needed) the log in `dir`, recovering it if it was not closed cleanly. */
  static async open(dir: string, options: PartitionLogOptions = {}): Promise<PartitionLog> {
    const config = resolveLogConfig(options.config);
    const now = options.now ?? Date.now;
    await createDirectoryDurably(dir);
    let log: PartitionLog | undefined;
    const epochCache = LeaderEpochCache.load(dir, (error) => log?.reportBackgroundError(error));
    const loaded = loadLog(dir, config, epochCache, now());
    log = new PartitionLog(dir, config, epochCache, options, loaded);
    try {
      if (!epochCache.loadedFromCheckpoint) log.rebuildEpochCache();
      log.rebuildProducerState();
      if (!loaded.hadCleanShutdown || !log.loadAbortedTransactions()) log.rebuildTransactionIndex();
      // Stale as soon as anything is appended; a clean close writes it again.
      fs.rmSync(path.join(dir, ABORTED_TXNS_CHECKPOINT), { force: true });
      log.removeStraySnapshots();
      await Promise.all([log.recoveryPointWriter.write(), log.logStartWriter.write(), epochCache.persist()]);
      if (loaded.hadCleanShutdown) {
        // From now on a crash must lead to recovery again.
        fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_MARKER), { force: true });
        await fsyncDirectory(dir);
      }
    } catch (error) {
      await log.discard();
      throw error;
    }
    log.startFlushTimer();
    return log;
  }

  get logStartOffset(): bigint {
    return this.logStart;
  }

  get logEndOffset(): bigint {
    return this.local.logEndOffset;
  }

  private get logEnd(): bigint {
    return this.local.logEndOffset;
  }

  /**
   * Applies changed settings (AlterConfigs on the topic or the broker). Segment limits, flush policy,
   * max.message.bytes and the timestamp type take effect at once; index sizes for new segments.
   */
  updateConfig(changes: Partial<LogConfig>): void {
    this.ensureOpen();
    const next = resolveLogConfig({ ...this.config, ...changes });
    const flushTimerChanged = next.flushIntervalMs !== this.config.flushIntervalMs;
    // Segments hold this same object, so they see the new limits too.
    Object.assign(this.config, next);
    if (flushTimerChanged) {
      this.stopFlushTimer();
      this.startFlushTimer();
    }
  }

  /** Everything below this offset is known to be on disk. */
  get recoveryPoint(): bigint {
    return this.flusher.recoveryPoint;
  }

  get latestEpoch(): number | undefined {
    return this.epochCache.latestEpoch();
  }

  /** Bytes in all segments. */
  get size(): number {
    return this.local.size;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Offline after an I/O error, here or elsewhere in its log dir: every access fails with KAFKA_STORAGE_ERROR. */
  get isOffline(): boolean {
    return this.state === 'failed';
  }

  /**
   * Takes the log offline because its log dir failed (as Kafka does with every log of a failed dir):
   * files are released, nothing more is written, and what was written stays for the next start.
   */
  markOffline(): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.closeHandles();
  }

  segmentBaseOffsets(): bigint[] {
    return this.local.segmentBaseOffsets();
  }

  epochEntries(): readonly EpochEntry[] {
    return this.epochCache.entries();
  }

  producerState(producerId: bigint): Readonly<ProducerStateEntry> | undefined {
    return this.producers.get(producerId);
  }

  producerStates(): ReadonlyArray<Readonly<ProducerStateEntry>> {
    return [...this.producers.entries()];
  }

  /**
   * The first offset a read_committed consumer may not read yet: the start of the oldest open
   * transaction, or of a completed one whose marker the high watermark has not passed.
   */
  firstUnstableOffset(highWatermark: bigint): bigint | undefined {
    const ongoing = this.producers.firstOngoingTxnOffset();
    const unreplicated = this.txnIndex.firstUnreplicatedOffset(highWatermark);
    if (ongoing === undefined) return unreplicated;
    return unreplicated === undefined || ongoing < unreplicated ? ongoing : unreplicated;
  }

  /** Aborted transactions with records in [startOffset, upperBound) (Fetch's aborted_transactions). */
  abortedTransactions(startOffset: bigint, upperBound: bigint): AbortedTxn[] {
    return this.txnIndex.collectAborted(startOffset, upperBound);
  }

  /**
   * Appends the batches of one produce request: validates them all first (nothing is stored if
   * any fails), assigns offsets from the log end, stamps `leaderEpoch` (and the time, for
   * LogAppendTime topics), and answers duplicates of recent idempotent batches with their
   * original offsets.
   */
  appendAsLeader(batches: Buffer, leaderEpoch: number, options: AppendAsLeaderOptions = {}): AppendResult {
    this.ensureOpen();
    return this.guardIo(() => {
      const origin = options.origin ?? 'client';
      const views = validateProducedBatches(batches, origin, this.config.maxMessageBytes);
      if (views.length === 0) {
        return { baseOffset: -1n, lastOffset: -1n, logAppendTime: -1n, logStartOffset: this.logStart, recordCount: 0, duplicate: false, flushed: undefined };
      }
      if (batches.length > this.config.segmentBytes) {
        throw new RecordListTooLargeError(`append of ${batches.length} bytes exceeds segment.bytes ${this.config.segmentBytes}`);
      }
      const now = this.now();
      const appendTime = this.config.messageTimestampType === 'LogAppendTime' ? BigInt(now) : undefined;
      const staged = new Map<bigint, ProducerAppendInfo>();
      const completed: { txn: CompletedTxn; aborted: boolean }[] = [];
      const placed: AppendedBatch[] = [];
      let recordCount = 0;
      let next = this.logEnd;
      for (const { position, size, header } of views) {
        const baseOffset = next;
        const lastOffset = baseOffset + BigInt(header.lastOffsetDelta);
        next = lastOffset + 1n;
        const maxTimestamp = appendTime ?? header.maxTimestamp;
        if (hasProducerId(header)) {
          if (origin === 'client') {
            const duplicate = this.producers.findDuplicate(header);
            if (duplicate !== undefined) return this.duplicateResult(duplicate);
          }
          let info = staged.get(header.producerId);
          if (info === undefined) {
            info = this.producers.prepare(header.producerId, origin);
            staged.set(header.producerId, info);
          }
          const txn = info.append(header, baseOffset, lastOffset, maxTimestamp);
          if (txn !== undefined) completed.push({ txn, aborted: isAbortMarker(batches, position) });
        }
        placed.push({ baseOffset, lastOffset, maxTimestamp, position, size });
        recordCount += header.recordCount;
      }
      // Otherwise a copy: the stored bytes must not change if the caller reuses its buffer.
      const data = options.handedOver === true ? batches : Buffer.from(batches);
      for (const batch of placed) {
        setBaseOffset(data, batch.baseOffset, batch.position);
        setPartitionLeaderEpoch(data, leaderEpoch, batch.position);
        if (appendTime !== undefined) stampLogAppendTime(data, appendTime, batch.position);
      }
      this.appendToActiveSegment(data, placed, now);
      if (leaderEpoch >= 0) this.epochCache.assign(leaderEpoch, placed[0]!.baseOffset);
      for (const info of staged.values()) this.producers.commit(info);
      for (const { txn, aborted } of completed) this.txnIndex.onCompleted(txn, aborted);
      return {
        baseOffset: placed[0]!.baseOffset,
        lastOffset: placed.at(-1)!.lastOffset,
        logAppendTime: appendTime ?? -1n,
        logStartOffset: this.logStart,
        recordCount,
        duplicate: false,
        flushed: this.flushIfPolicyRequires(),
      };
    });
  }

  /**
   * Appends batches fetched from the leader as they are: offsets and epochs included. Bytes handed
   * over (the caller never reuses them) are stored without a copy.
   */
  appendAsFollower(batches: Buffer, options: { handedOver?: boolean } = {}): FollowerAppendResult {
    this.ensureOpen();
    return this.guardIo(() => {
      const views = splitSoundBatches(batches);
      if (views.length === 0) return { firstOffset: -1n, lastOffset: -1n, flushed: undefined };
      // An empty log that starts inside the leader's first batch (DeleteRecords or a follower
      // starting over at the leader's log start): the log takes the whole batch, from its base
      // offset, and keeps its log start (Kafka's Partition does this on UnexpectedAppendOffset).
      const first = views[0]!.header;
      if (this.logEnd === this.logStart && this.local.size === 0 && first.baseOffset < this.logEnd && lastOffsetOf(first) >= this.logEnd) {
        this.truncateFullyAndStartAt(first.baseOffset, this.logStart);
      }
      let expected = this.logEnd;
      for (const { header } of views) {
        if (header.baseOffset !== expected) {
          throw new UnexpectedAppendOffsetError(
            `batch at offset ${header.baseOffset} does not continue the log at ${expected}`,
            views[0]!.header.baseOffset,
            this.logEnd,
          );
        }
        expected = lastOffsetOf(header) + 1n;
      }
      if (batches.length > this.config.segmentBytes) {
        throw new RecordListTooLargeError(`append of ${batches.length} bytes exceeds segment.bytes ${this.config.segmentBytes}`);
      }
      const placed = views.map(({ position, size, header }) => ({
        baseOffset: header.baseOffset,
        lastOffset: lastOffsetOf(header),
        maxTimestamp: header.maxTimestamp,
        position,
        size,
      }));
      this.appendToActiveSegment(options.handedOver === true ? batches : Buffer.from(batches), placed, this.now());
      for (const { header, position } of views) {
        if (header.partitionLeaderEpoch >= 0) this.epochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
        if (hasProducerId(header)) {
          const txn = this.producers.replay(header);
          if (txn !== undefined) this.txnIndex.onCompleted(txn, isAbortMarker(batches, position));
        }
      }
      return { firstOffset: placed[0]!.baseOffset, lastOffset: placed.at(-1)!.lastOffset, flushed: this.flushIfPolicyRequires() };
    });
  }

  /**
   * Whole batches from the one holding `fetchOffset` (which may start before it), at most maxBytes
   * of them, none reaching maxOffset; from a single segment, as Kafka reads. The bytes may share
   * memory with the log's cache: do not modify them.
   */
  read(fetchOffset: bigint, maxBytes: number, options: ReadOptions = {}): Buffer {
    this.ensureOpen();
    return this.guardIo(() => {
      if (fetchOffset < this.logStart || fetchOffset > this.logEnd) {
        throw new OffsetOutOfRangeError(`offset ${fetchOffset} is outside [${this.logStart}, ${this.logEnd}] of ${this.dir}`);
      }
      const maxOffset = options.maxOffset ?? this.logEnd;
      if (fetchOffset >= maxOffset || fetchOffset === this.logEnd) return Buffer.alloc(0);
      return this.local.read(fetchOffset, maxBytes, maxOffset, options.minOneBatch ?? false);
    });
  }

  /**
   * ListOffsets: for a timestamp >= 0, the first record at or after it. Special values:
   * EARLIEST (-2) and EARLIEST_LOCAL (-4) give the log start offset, LATEST (-1) gives
   * options.maxOffset (the caller passes the high watermark or last stable offset; the log end
   * otherwise), MAX_TIMESTAMP (-3) the record with the largest timestamp, LATEST_TIERED (-5) -1.
   * Undefined when nothing matches (Kafka answers offset -1, timestamp -1).
   */
  offsetForTimestamp(timestamp: bigint, options: OffsetForTimestampOptions = {}): TimestampAndOffset | undefined {
    this.ensureOpen();
    return this.guardIo(() => {
      switch (timestamp) {
        case ListOffsetsTimestamp.earliest:
        case ListOffsetsTimestamp.earliestLocal: {
          const earliest = this.epochCache.earliestEntry();
          const leaderEpoch = earliest !== undefined && earliest.startOffset <= this.logStart ? earliest.epoch : undefined;
          return { timestamp: -1n, offset: this.logStart, leaderEpoch };
        }
        case ListOffsetsTimestamp.latest:
          return { timestamp: -1n, offset: options.maxOffset ?? this.logEnd, leaderEpoch: this.epochCache.latestEpoch() };
        case ListOffsetsTimestamp.latestTiered:
          return { timestamp: -1n, offset: -1n, leaderEpoch: -1 };
      }
      const found =
        timestamp === ListOffsetsTimestamp.maxTimestamp
          ? this.local.maxTimestampRecord(this.decompress)
          : this.local.offsetByTimestamp(timestamp, this.logStart, this.decompress);
      if (found !== undefined && options.maxOffset !== undefined && found.offset >= options.maxOffset) return undefined;
      return found;
    });
  }

  /** OffsetsForLeaderEpoch; epoch -1 and end offset -1 when the epoch is unknown. */
  endOffsetForEpoch(leaderEpoch: number): EpochEndOffset {
    this.ensureOpen();
    return this.epochCache.endOffsetFor(leaderEpoch, this.logEnd);
  }

  /** A new leader records where its epoch starts even before it appends anything. */
  assignEpochStartOffset(leaderEpoch: number, startOffset: bigint): void {
    this.ensureOpen();
    this.epochCache.assign(leaderEpoch, startOffset);
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (at most the log end) and deletes the
   * segments wholly below it. Resolves with the new log start once it is checkpointed.
   */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    this.ensureOpen();
    if (offset > this.logEnd) throw new OffsetOutOfRangeError(`cannot move the log start to ${offset} past the log end ${this.logEnd}`);
    if (offset <= this.logStart) return this.logStart;
    this.guardIo(() => {
      this.logStart = offset;
      this.local.deleteSegmentsBelow(offset);
      this.epochCache.truncateFromStart(offset);
      this.txnIndex.deleteBefore(offset);
      const firstBase = this.local.firstBaseOffset;
      for (const snapshot of listSnapshotOffsets(this.dir)) if (snapshot < firstBase) deleteSnapshot(this.dir, snapshot);
    });
    await this.logStartWriter.write();
    return this.logStart;
  }

  /**
   * Retention, as Kafka's UnifiedLog.deleteOldSegments applies it under cleanup.policy delete: the
   * oldest segments while the log is larger than retention.bytes, then those whose newest record is
   * older than retention.ms; only segments wholly below `highWatermark`. When every segment goes,
   * an empty one is rolled at the log end first. Resolves with how many segments were deleted, once
   * the new log start offset is checkpointed.
   */
  async deleteOldSegments(highWatermark: bigint): Promise<number> {
    this.ensureOpen();
    if (!this.config.deletePolicy) return 0;
    const { retentionBytes, retentionMs } = this.config;
    let deleted = 0;
    const size = this.local.size;
    if (retentionBytes >= 0 && size >= retentionBytes) {
      let excess = size - retentionBytes;
      deleted += await this.deleteOldestSegments(highWatermark, (segment) => {
        if (excess < segment.size) return false;
        excess -= segment.size;
        return true;
      });
    }
    if (retentionMs >= 0) {
      const now = this.now();
      deleted += await this.deleteOldestSegments(highWatermark, (segment) => now - segment.largestTimestamp() > retentionMs);
    }
    return deleted;
  }

  private async deleteOldestSegments(highWatermark: bigint, deletable: (segment: LogSegment) => boolean): Promise<number> {
    const count = this.guardIo(() => {
      const found = this.local.countDeletable(highWatermark, deletable);
      // A log always has a segment: the one rolled here takes the appends that follow.
      if (found > 0 && found === this.local.segmentCount && this.local.rollAtEnd(this.now())) this.onRolled(this.logEnd);
      return found;
    });
    if (count === 0) return 0;
    await this.deleteRecordsBefore(this.local.segmentBaseOffsets()[count]!);
    return count;
  }

  /**
   * Removes every batch holding an offset >= `offset` (a batch straddling it goes too, so the log
   * may end below it). Returns false when there was nothing to remove.
   */
  truncateTo(offset: bigint): boolean {
    this.ensureOpen();
    if (offset < 0n) throw new RangeError(`cannot truncate to a negative offset ${offset}`);
    return this.guardIo(() => {
      if (offset >= this.logEnd) {
        // A leader may have recorded an epoch start before appending anything; it goes too.
        this.epochCache.truncateFromEnd(this.logEnd);
        return false;
      }
      if (offset < this.local.firstBaseOffset) {
        this.truncateFullyAndStartAt(offset);
        return true;
      }
      this.truncations += 1;
      this.local.truncateTo(offset, this.now());
      if (this.flusher.truncatedTo(this.logEnd)) this.recoveryPointWriter.write().catch(this.reportBackgroundError);
      this.epochCache.truncateFromEnd(this.logEnd);
      if (this.logStart > this.logEnd) {
        this.logStart = this.logEnd;
        this.logStartWriter.write().catch(this.reportBackgroundError);
      }
      this.rebuildProducerState();
      this.rebuildTransactionIndex();
      return true;
    });
  }

  /** Drops all data and starts an empty log at `offset` (a follower far behind a leader's log start). */
  truncateFullyAndStartAt(offset: bigint, logStartOffset: bigint = offset): void {
    this.ensureOpen();
    this.guardIo(() => {
      this.truncations += 1;
      this.local.truncateFullyAndStartAt(offset, this.now());
      this.logStart = logStartOffset;
      this.epochCache.clear();
      this.producers.clear();
      this.txnIndex.clear();
      for (const snapshot of listSnapshotOffsets(this.dir)) deleteSnapshot(this.dir, snapshot);
      this.flusher.restartedAt(offset);
      this.recoveryPointWriter.write().catch(this.reportBackgroundError);
      this.logStartWriter.write().catch(this.reportBackgroundError);
    });
  }

  /**
   * Writes everything appended so far to disk and fsyncs it, then advances the recovery point.
   * Flushes do not overlap: calls made while one runs share the next one (group commit).
   */
  flush(): Promise<void> {
    return this.requestFlush('end');
  }

  private requestFlush(upTo: FlushTarget): Promise<void> {
    if (this.state === 'failed') return Promise.reject(new KafkaStorageError(`${this.dir} is offline`));
    if (this.state === 'closed') return Promise.reject(new Error(`${this.dir} is closed`));
    return this.flusher.request(upTo);
  }

  removeExpiredProducers(nowMs: number = this.now()): void {
    this.producers.removeExpired(nowMs);
  }

  /**
   * Clean shutdown: flush, record the max timestamp in the time index, write a producer snapshot
   * and all checkpoints, then a marker that lets the next open skip recovery.
   */
  async close(): Promise<void> {
    if (this.state !== 'open') {
      if (this.state === 'failed') this.closeHandles();
      return;
    }
    this.stopFlushTimer();
    this.local.deactivate();
    this.state = 'closing';
    try {
      await this.flush();
      await writeSnapshot(this.dir, this.logEnd, this.producers.entries());
      const aborted = this.txnIndex.abortedTransactions().map((t) => [t.producerId, t.firstOffset, t.lastOffset]);
      await writeFileDurably(path.join(this.dir, ABORTED_TXNS_CHECKPOINT), renderCheckpoint(aborted));
      await Promise.all([this.recoveryPointWriter.write(), this.logStartWriter.write(), this.epochCache.persist()]);
      await Promise.allSettled([...this.backgroundWrites]);
      await writeFileDurably(path.join(this.dir, CLEAN_SHUTDOWN_MARKER), '');
    } finally {
      this.closeHandles();
    }
  }

  /**
   * Releases all files without writing anything: what a crash leaves behind.
   */
  closeHandles(): void {
    this.stopFlushTimer();
    if (this.state !== 'failed') this.state = 'closed';
    this.local.closeHandles();
  }

  /**
   * Closes without flushing (like closeHandles) and waits for the writes already started to settle,
   * so the directory can be renamed or removed.
   */
  async discard(): Promise<void> {
    this.closeHandles();
    await Promise.allSettled([
      this.flusher.settled(),
      ...this.backgroundWrites,
      this.recoveryPointWriter.idle(),
      this.logStartWriter.idle(),
      this.epochCache.idle(),
    ]);
  }

  private ensureOpen(): void {
    if (this.state === 'failed') throw new KafkaStorageError(`${this.dir} is offline after an I/O error`);
    if (this.state !== 'open') throw new Error(`partition log ${this.dir} is closed`);
  }

  /** An I/O error takes the log offline, as a failed log directory does in Kafka. */
  private guardIo<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      if (error instanceof StorageError || !isIoError(error)) throw error;
      throw this.fail(error);
    }
  }

  private fail(error: unknown): KafkaStorageError {
    const first = this.state !== 'failed';
    this.state = 'failed';
    this.stopFlushTimer();
    const failure = error instanceof KafkaStorageError ? error : new KafkaStorageError(`${this.dir}: ${String(error)}`, error);
    if (first) this.onIoFailure?.(failure);
    return failure;
  }

  private appendToActiveSegment(data: Buffer, batches: readonly AppendedBatch[], now: number): void {
    this.local.append(data, batches, now, (baseOffset) => this.onRolled(baseOffset));
  }

  /** A new segment starts at `baseOffset`: a producer snapshot as of its start, and a flush of the finished ones. */
  private onRolled(baseOffset: bigint): void {
    // The state as of the new segment's start: a restart replays only from here.
    const truncationsBefore = this.truncations;
    this.trackBackground(
      writeSnapshot(this.dir, baseOffset, this.producers.entries()).then(() => {
        // Written for data a truncation may have removed meanwhile: a missing snapshot is safe, a stale one is not.
        if (this.truncations !== truncationsBefore) deleteSnapshot(this.dir, baseOffset);
      }),
    );
    // As Kafka does after a roll, the finished segments are flushed without holding up the append.
    this.requestFlush(baseOffset).catch(this.reportBackgroundError);
  }

  /** log.flush.interval.messages counts the messages no running or queued flush covers yet. */
  private flushIfPolicyRequires(): Promise<void> | undefined {
    if (Number(this.logEnd - this.flusher.flushedOrRequestedUpTo) < this.config.flushIntervalMessages) return undefined;
    const flushed = this.flush();
    flushed.catch(this.reportBackgroundError);
    return flushed;
  }

  /** A duplicate must not be acknowledged before the original could have been. */
  private duplicateResult(duplicate: BatchMetadata): AppendResult {
    return {
      baseOffset: firstOffsetOf(duplicate),
      lastOffset: duplicate.lastOffset,
      logAppendTime: duplicate.timestamp,
      logStartOffset: this.logStart,
      recordCount: 0,
      duplicate: true,
      flushed: this.flusher.covering(duplicate.lastOffset),
    };
  }

  /** Writes the segments below `target` (all of them for 'end') into their files and fsyncs them. */
  private async flushSegments(upTo: FlushTarget, target: bigint): Promise<void> {
    if (this.state === 'failed') throw new KafkaStorageError(`${this.dir} is offline`);
    if (this.state === 'closed') throw new Error(`${this.dir} is closed`);
    try {
      await this.local.flush(upTo, target);
      // Epochs of flushed batches must survive with them, or recovery could not tell where they start.
      await this.epochCache.persist();
    } catch (error) {
      throw this.fail(error);
    }
    this.lastFlushTime = this.now();
  }

  private startFlushTimer(): void {
    const interval = this.config.flushIntervalMs;
    if (!Number.isFinite(interval)) return;
    this.flushTimer = setInterval(
      () => {
        if (this.state !== 'open' || this.now() - this.lastFlushTime < interval) return;
        if (this.logEnd > this.flusher.recoveryPoint || this.local.needsFlush) {
          this.flush().catch(this.reportBackgroundError);
        }
      },
      Math.max(1, Math.min(interval, 1000)),
    );
    this.flushTimer.unref();
  }

  private stopFlushTimer(): void {
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  private trackBackground(write: Promise<void>): void {
    const tracked: Promise<void> = write.catch(this.reportBackgroundError).finally(() => this.backgroundWrites.delete(tracked));
    this.backgroundWrites.add(tracked);
  }

  /** Without a checkpoint, the epochs are read back from the batches themselves. */
  private rebuildEpochCache(): void {
    this.epochCache.clear();
    for (const header of this.local.batchHeadersFrom(this.local.firstBaseOffset)) {
      const latest = this.epochCache.latestEpoch();
      if (header.partitionLeaderEpoch >= 0 && (latest === undefined || header.partitionLeaderEpoch > latest)) {
        this.epochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
      }
    }
    this.epochCache.truncateFromStart(this.logStart);
  }

  /** As Kafka does: keep the snapshots taken at segment starts, and the latest one (usually at the log end). */
  private removeStraySnapshots(): void {
    const bases = new Set(this.local.segmentBaseOffsets());
    const snapshots = listSnapshotOffsets(this.dir);
    for (const snapshot of snapshots.slice(0, -1)) if (!bases.has(snapshot)) deleteSnapshot(this.dir, snapshot);
  }

  /** Latest usable snapshot, then the batches after it (Kafka's truncateAndReload + rebuildProducerState). */
  private rebuildProducerState(): void {
    this.producers.clear();
    const snapshots = listSnapshotOffsets(this.dir);
    for (const snapshot of snapshots) if (snapshot > this.logEnd) deleteSnapshot(this.dir, snapshot);
    let replayFrom = this.logStart;
    for (const snapshot of snapshots.filter((s) => s <= this.logEnd).reverse()) {
      try {
        this.producers.load(readSnapshot(this.dir, snapshot), this.now());
        replayFrom = snapshot;
        break;
      } catch (error) {
        if (!(error instanceof CorruptSnapshotError)) throw error;
        deleteSnapshot(this.dir, snapshot);
      }
    }
    for (const header of this.local.batchHeadersFrom(replayFrom)) {
      if (hasProducerId(header)) this.producers.replay(header);
    }
  }

  /** The aborted transactions a clean close checkpointed; false when there is no usable checkpoint. */
  private loadAbortedTransactions(): boolean {
    let entries: string[][] | undefined;
    try {
      entries = readCheckpoint(path.join(this.dir, ABORTED_TXNS_CHECKPOINT));
    } catch (error) {
      if (error instanceof CorruptCheckpointError) return false;
      throw error;
    }
    if (entries === undefined || entries.some((e) => e.length !== 3 || e.some((field) => !/^-?\d+$/.test(field)))) return false;
    this.txnIndex.loadAborted(
      entries.map(([producerId, firstOffset, lastOffset]) => ({
        producerId: BigInt(producerId!),
        firstOffset: BigInt(firstOffset!),
        lastOffset: BigInt(lastOffset!),
      })),
    );
    this.txnIndex.deleteBefore(this.logStart);
    return true;
  }

  /**
   * Reads every batch header from the start of the log (and the record of each marker) to find the
   * completed transactions. Producer snapshots do not help here: an aborted transaction matters to
   * consumers for as long as its records are in the log.
   */
  private rebuildTransactionIndex(): void {
    this.txnIndex.clear();
    const openFirstOffsets = new Map<bigint, bigint>();
    for (const { header, bytes } of this.local.batchesWithMarkers()) {
      if (!hasProducerId(header)) continue;
      if (!isControlBatch(header.attributes)) {
        if (isTransactionalBatch(header.attributes) && !openFirstOffsets.has(header.producerId)) openFirstOffsets.set(header.producerId, header.baseOffset);
        continue;
      }
      const marker = bytes === undefined ? undefined : transactionMarkerAt(bytes);
      const firstOffset = openFirstOffsets.get(header.producerId) ?? header.baseOffset;
      openFirstOffsets.delete(header.producerId);
      if (marker !== undefined)
        this.txnIndex.onCompleted({ producerId: header.producerId, firstOffset, lastOffset: header.baseOffset }, marker.type === ControlRecordType.Abort);
    }
    this.txnIndex.deleteBefore(this.logStart);
  }
}

function isAbortMarker(batches: Buffer, position: number): boolean {
  return transactionMarkerAt(batches, position)?.type === ControlRecordType.Abort;
}

function isIoError(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error;
}
