// One segment: the .log file of batches plus its offset and time indexes. Knows how to find a batch
// by offset or timestamp, rebuild its indexes from the data, and cut itself at an offset.
import fs from 'node:fs';
import path from 'node:path';
import { BATCH_LOG_OVERHEAD, Offsets, batchSizeAt, isControlBatch, lastOffsetOf, validateBatch } from '@kafka-chaos/protocol';
import type { BatchHeader } from '@kafka-chaos/protocol';
import { NO_PARTITION_LEADER_EPOCH, NO_TIMESTAMP } from './batch-header-helpers.js';
import type { LogConfig } from './log-config.js';
import { LOG_FILE_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX, offsetFileName } from './log-file-names.js';
import { OffsetIndex } from './offset-index.js';
import { recordTimestamps } from './record-timestamps.js';
import type { RecordsDecompressor } from './record-timestamps.js';
import { SegmentFile } from './segment-file.js';
import type { AppendedBatch } from './segment-file.js';
import { TimeIndex } from './time-index.js';
import type { TimestampOffset } from './time-index.js';

export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
}

export interface TimestampAndOffset {
  timestamp: bigint;
  offset: bigint;
  /** The partition leader epoch stamped on the batch holding the offset, when there is one. */
  leaderEpoch: number | undefined;
}

export interface RollCheck {
  messagesSize: number;
  maxTimestampInMessages: bigint;
  maxOffsetInMessages: bigint;
  now: number;
}

export class LogSegment {
  private bytesSinceLastIndexEntry = 0;
  private maxTimestampAndOffset: TimestampOffset | undefined;
  private firstBatchTimestamp: bigint | undefined;
  private knownNextOffset: bigint | undefined;

  private constructor(
    readonly baseOffset: bigint,
    readonly log: SegmentFile,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly config: LogConfig,
    private created: number,
  ) {}

  static create(dir: string, baseOffset: bigint, config: LogConfig, now: number): LogSegment {
    const files = segmentPaths(dir, baseOffset);
    fs.rmSync(files.offsetIndex, { force: true });
    fs.rmSync(files.timeIndex, { force: true });
    const segment = new LogSegment(
      baseOffset,
      SegmentFile.create(files.log, config),
      OffsetIndex.empty(files.offsetIndex, baseOffset, config.maxIndexSizeBytes),
      TimeIndex.empty(files.timeIndex, baseOffset, config.maxIndexSizeBytes),
      config,
      now,
    );
    segment.knownNextOffset = baseOffset;
    segment.writeIndexes();
    return segment;
  }

  /** Opens an existing segment; `indexProblem` says why its indexes must be rebuilt, if they must. */
  static open(dir: string, baseOffset: bigint, config: LogConfig, now: number): { segment: LogSegment; indexProblem: string | undefined } {
    const files = segmentPaths(dir, baseOffset);
    const segment = new LogSegment(
      baseOffset,
      SegmentFile.open(files.log, config),
      OffsetIndex.load(files.offsetIndex, baseOffset, config.maxIndexSizeBytes),
      TimeIndex.load(files.timeIndex, baseOffset, config.maxIndexSizeBytes),
      config,
      now,
    );
    return { segment, indexProblem: segment.indexProblem() };
  }

  get size(): number {
    return this.log.size;
  }

  get needsFlush(): boolean {
    return this.log.needsFlush || this.offsetIndex.hasUnsyncedChanges || this.timeIndex.hasUnsyncedChanges;
  }

  /** One past the last offset stored in this segment (the base offset when empty). */
  nextOffset(): bigint {
    if (this.knownNextOffset === undefined) {
      const last = this.offsetIndex.lastEntry();
      let next = last === undefined ? this.baseOffset : last.offset + 1n;
      for (const batch of this.log.batchesFrom(last?.position ?? 0, false)) next = lastOffsetOf(batch.header) + 1n;
      this.knownNextOffset = next;
    }
    return this.knownNextOffset;
  }

  /** The largest batch max timestamp here and the last offset of that batch ((-1, base) when none). */
  maxTimestampSoFar(): TimestampOffset {
    if (this.maxTimestampAndOffset === undefined) {
      let max = this.timeIndex.lastEntry() ?? { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
      const position = this.offsetIndex.lookup(max.offset).position;
      for (const batch of this.log.batchesFrom(position, false)) {
        if (batch.header.maxTimestamp > max.timestamp) max = { timestamp: batch.header.maxTimestamp, offset: lastOffsetOf(batch.header) };
      }
      this.maxTimestampAndOffset = max;
    }
    return this.maxTimestampAndOffset;
  }

  /**
   * What retention.ms measures a segment's age from (Kafka's LogSegment.largestTimestamp): its
   * largest record timestamp, or when it was created or last recovered if it has none.
   */
  largestTimestamp(): number {
    const { timestamp } = this.maxTimestampSoFar();
    return timestamp >= 0n ? Number(timestamp) : this.created;
  }

  /**
   * Index entries stay in memory until the segment is flushed, rolled or closed. Kafka's indexes
   * are memory-mapped; writing each entry here cost two more syscalls per index.interval.bytes
   * (every fourth append of a 1 KiB batch). A crash leaves the files behind the log, which is safe:
   * an unclean start re-reads every segment past the recovery point and rebuilds its indexes, and
   * the flush that moves the recovery point writes the entries first.
   */
  append(bytes: Buffer, batches: readonly AppendedBatch[]): void {
    const start = this.log.size;
    let max = this.maxTimestampSoFar();
    for (const batch of batches) {
      if (batch.maxTimestamp > max.timestamp) max = { timestamp: batch.maxTimestamp, offset: batch.lastOffset };
      // Like Kafka, the entry is taken before counting this batch, so it points at the batch start.
      if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
        if (!this.offsetIndex.isFull) this.offsetIndex.append(batch.lastOffset, start + batch.position);
        if (!this.timeIndex.isFull) this.timeIndex.maybeAppend(max.timestamp, max.offset);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += batch.size;
    }
    if (start === 0) this.firstBatchTimestamp = batches.reduce((m, b) => (b.maxTimestamp > m ? b.maxTimestamp : m), NO_TIMESTAMP);
    this.maxTimestampAndOffset = max;
    this.log.append(bytes, batches);
    const last = batches.at(-1);
    if (last !== undefined) this.knownNextOffset = last.lastOffset + 1n;
  }

  /** The first batch whose last offset is >= offset, searching from `startingPosition`. */
  translateOffset(offset: bigint, startingPosition = 0): BatchLocation | undefined {
    if (this.knownNextOffset !== undefined && offset >= this.knownNextOffset) return undefined;
    const cached = this.log.cachedBatchFor(offset);
    if (cached !== undefined && cached.position >= startingPosition) return cached;
    const start = Math.max(this.offsetIndex.lookup(offset).position, startingPosition);
    for (const batch of this.log.batchesFrom(start, false)) {
      const lastOffset = lastOffsetOf(batch.header);
      if (lastOffset >= offset) return { position: batch.position, size: batch.size, baseOffset: batch.header.baseOffset, lastOffset };
    }
    return undefined;
  }

  /**
   * Whole batches from the one holding `startOffset`, stopping before any batch reaching `maxOffset`
   * (exclusive) and within `maxBytes` (except that minOneBatch lets a first oversized batch through).
   * Undefined when this segment holds nothing at or after startOffset.
   */
  read(startOffset: bigint, maxBytes: number, maxOffset: bigint, minOneBatch: boolean): Buffer | undefined {
    const first = this.translateOffset(startOffset);
    if (first === undefined) return undefined;
    if (first.lastOffset >= maxOffset) return Buffer.alloc(0);
    const limit = minOneBatch ? Math.max(maxBytes, first.size) : maxBytes;
    const length = Math.min(limit, this.log.size - first.position);
    if (length < first.size) return Buffer.alloc(0);
    const chunk = this.log.read(first.position, length);
    let end = 0;
    while (end + BATCH_LOG_OVERHEAD <= chunk.length) {
      const size = batchSizeAt(chunk, end);
      if (end + size > chunk.length) break;
      const lastOffset = chunk.readBigInt64BE(end) + BigInt(chunk.readInt32BE(end + Offsets.lastOffsetDelta));
      if (lastOffset >= maxOffset) break;
      end += size;
    }
    return chunk.subarray(0, end);
  }

  /** Headers of the batches from the one holding `offset` to the end of the segment. */
  *batchHeadersFrom(offset: bigint): Generator<BatchHeader> {
    const first = this.translateOffset(offset);
    if (first === undefined) return;
    for (const batch of this.log.batchesFrom(first.position, false)) yield batch.header;
  }

  /** Every batch header, with the bytes of control batches (their one record says what they mark). */
  *batchesWithMarkers(): Generator<{ header: BatchHeader; bytes: Buffer | undefined }> {
    for (const batch of this.log.batchesFrom(0, false)) {
      yield { header: batch.header, bytes: isControlBatch(batch.header.attributes) ? this.log.read(batch.position, batch.size) : undefined };
    }
  }

  /** The first record with timestamp >= `timestamp` and offset >= `startingOffset`. */
  findOffsetByTimestamp(timestamp: bigint, startingOffset: bigint, decompress?: RecordsDecompressor): TimestampAndOffset | undefined {
    const entry = this.timeIndex.lookup(timestamp);
    const from = entry.offset > startingOffset ? entry.offset : startingOffset;
    const position = this.offsetIndex.lookup(from).position;
    for (const batch of this.log.batchesFrom(position, false)) {
      const header = batch.header;
      if (header.maxTimestamp < timestamp || lastOffsetOf(header) < startingOffset) continue;
      const leaderEpoch = epochOrUndefined(header.partitionLeaderEpoch);
      const records = recordTimestamps(this.log.read(batch.position, batch.size), decompress);
      if (records === undefined) {
        // Records we cannot decode: answer with the batch, which can only make a consumer re-read.
        return { timestamp: header.maxTimestamp, offset: header.baseOffset > startingOffset ? header.baseOffset : startingOffset, leaderEpoch };
      }
      const found = records.find((record) => record.timestamp >= timestamp && record.offset >= startingOffset);
      if (found !== undefined) return { ...found, leaderEpoch };
    }
    return undefined;
  }

  /** The record carrying this segment's max timestamp (ListOffsets MAX_TIMESTAMP, KIP-734). */
  findMaxTimestampRecord(decompress?: RecordsDecompressor): TimestampAndOffset | undefined {
    const max = this.maxTimestampSoFar();
    const position = this.offsetIndex.lookup(max.offset).position;
    for (const batch of this.log.batchesFrom(position, false)) {
      if (batch.header.maxTimestamp !== max.timestamp) continue;
      const records = recordTimestamps(this.log.read(batch.position, batch.size), decompress);
      const record = records?.find((r) => r.timestamp === max.timestamp);
      return { timestamp: max.timestamp, offset: record?.offset ?? batch.header.baseOffset, leaderEpoch: epochOrUndefined(batch.header.partitionLeaderEpoch) };
    }
    return undefined;
  }

  /**
   * Re-reads the whole segment, validating every batch, rebuilds both indexes, and cuts the file at
   * the first batch that is torn, corrupt or out of order. Returns the number of bytes cut.
   */
  recover(onBatch?: (header: BatchHeader) => void): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    let validBytes = 0;
    let lastIndexedPosition = 0;
    let max: TimestampOffset = { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    let previousLastOffset = this.baseOffset - 1n;
    for (const batch of this.log.batchesFrom(0, true)) {
      if (validateBatch(batch.bytes!) !== undefined) break;
      const header = batch.header;
      const lastOffset = lastOffsetOf(header);
      if (header.baseOffset <= previousLastOffset || !this.offsetIndex.canAppendOffset(lastOffset)) break;
      if (header.maxTimestamp > max.timestamp) max = { timestamp: header.maxTimestamp, offset: lastOffset };
      if (validBytes - lastIndexedPosition > this.config.indexIntervalBytes) {
        if (!this.offsetIndex.isFull) this.offsetIndex.append(lastOffset, validBytes);
        if (!this.timeIndex.isFull) this.timeIndex.maybeAppend(max.timestamp, max.offset);
        lastIndexedPosition = validBytes;
      }
      validBytes += batch.size;
      previousLastOffset = lastOffset;
      onBatch?.(header);
    }
    const truncated = this.log.size - validBytes;
    // broker.ts.bug.recovery.keeps.torn.tail: the invalid bytes stay, and appends go after them.
    if (!this.config.recoveryKeepsTornTail) this.log.truncateTo(validBytes);
    if (max.timestamp > NO_TIMESTAMP) this.timeIndex.maybeAppend(max.timestamp, max.offset, true);
    this.maxTimestampAndOffset = max;
    this.bytesSinceLastIndexEntry = validBytes - lastIndexedPosition;
    this.knownNextOffset = previousLastOffset + 1n;
    this.firstBatchTimestamp = undefined;
    this.writeIndexes();
    return truncated;
  }

  /** Removes every batch whose last offset is >= offset. Returns the number of bytes removed. */
  truncateTo(offset: bigint, now: number): number {
    const first = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    if (first === undefined) return 0;
    const before = this.log.size;
    this.log.truncateTo(first.position);
    const lastEntry = this.offsetIndex.lastEntry();
    this.bytesSinceLastIndexEntry = this.log.size - (lastEntry?.position ?? 0);
    this.maxTimestampAndOffset = undefined;
    this.knownNextOffset = first.position === 0 ? this.baseOffset : undefined;
    if (this.log.size === 0) {
      this.firstBatchTimestamp = undefined;
      this.created = now;
    }
    this.writeIndexes();
    return before - this.log.size;
  }

  shouldRoll(check: RollCheck): boolean {
    const size = this.log.size;
    return (
      size > this.config.segmentBytes - check.messagesSize ||
      (size > 0 && this.timeWaitedForRoll(check.now, check.maxTimestampInMessages) > this.config.segmentMs) ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      !this.offsetIndex.canAppendOffset(check.maxOffsetInMessages)
    );
  }

  /** Records the segment's max timestamp in the time index, as Kafka does when a segment stops taking appends. */
  onBecomeInactive(): void {
    const max = this.maxTimestampSoFar();
    if (max.timestamp > NO_TIMESTAMP) this.timeIndex.maybeAppend(max.timestamp, max.offset, true);
    this.writeIndexes();
  }

  /** Moves index entries held in memory into the index files. */
  writePending(): void {
    this.writeIndexes();
  }

  async fsync(): Promise<void> {
    await Promise.all([this.log.fsync(), this.offsetIndex.fsync(), this.timeIndex.fsync()]);
  }

  /** Releases the files without writing anything. */
  close(): void {
    this.log.close();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  delete(): void {
    this.log.delete();
    this.offsetIndex.delete();
    this.timeIndex.delete();
  }

  private writeIndexes(): void {
    this.offsetIndex.writePending();
    this.timeIndex.writePending();
  }

  private timeWaitedForRoll(now: number, maxTimestampInMessages: bigint): number {
    if (this.firstBatchTimestamp === undefined) {
      const first = this.log.batchesFrom(0, false).next();
      this.firstBatchTimestamp = first.done ? NO_TIMESTAMP : first.value.header.maxTimestamp;
    }
    if (this.firstBatchTimestamp >= 0n) return Number(maxTimestampInMessages - this.firstBatchTimestamp);
    return now - this.created;
  }

  private indexProblem(): string | undefined {
    if (this.log.size === 0) {
      return this.offsetIndex.entries > 0 || this.timeIndex.entries > 0 ? 'index entries for an empty log' : undefined;
    }
    if (!this.offsetIndex.existed) return 'offset index missing';
    if (!this.timeIndex.existed) return 'time index missing';
    const problem = this.offsetIndex.sanityProblem(this.log.size) ?? this.timeIndex.sanityProblem();
    if (problem !== undefined) return problem;
    const last = this.offsetIndex.lastEntry();
    if (last !== undefined) {
      const batch = this.log.batchesFrom(last.position, false).next();
      if (batch.done || lastOffsetOf(batch.value.header) !== last.offset) return `last offset index entry ${last.offset} does not match the log`;
    }
    return undefined;
  }
}

export function segmentPaths(dir: string, baseOffset: bigint): { log: string; offsetIndex: string; timeIndex: string } {
  return {
    log: path.join(dir, offsetFileName(baseOffset, LOG_FILE_SUFFIX)),
    offsetIndex: path.join(dir, offsetFileName(baseOffset, OFFSET_INDEX_SUFFIX)),
    timeIndex: path.join(dir, offsetFileName(baseOffset, TIME_INDEX_SUFFIX)),
  };
}

function epochOrUndefined(epoch: number): number | undefined {
  return epoch > NO_PARTITION_LEADER_EPOCH ? epoch : undefined;
}
