// The segments of one partition's log in its directory, as Kafka's LocalLog keeps them under
// UnifiedLog: where the log ends, which segment holds an offset, appending to the active segment
// and rolling a new one, reading whole batches, looking records up by timestamp, deleting
// segments from the start, truncating from the end, and writing segments to disk. It knows nothing
// of producers, transactions, leader epochs or checkpoints: PartitionLog keeps those and tells it
// what to do.
import type { BatchHeader } from '@kafka-chaos/protocol';
import { fsyncDirectory } from './durable-fs.js';
import type { FlushTarget } from './flush-coordinator.js';
import type { LogConfig } from './log-config.js';
import { LogSegment } from './log-segment.js';
import type { TimestampAndOffset } from './log-segment.js';
import type { RecordsDecompressor } from './record-timestamps.js';
import type { AppendedBatch } from './segment-file.js';

export class LocalLog {
  private logEnd: bigint;
  /** A segment was created or deleted since the directory was last fsynced. */
  private directoryUnsynced = false;

  constructor(
    readonly dir: string,
    private readonly config: LogConfig,
    private segments: LogSegment[],
    logEndOffset: bigint,
  ) {
    this.logEnd = logEndOffset;
  }

  get logEndOffset(): bigint {
    return this.logEnd;
  }

  /** Bytes in all segments. */
  get size(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0);
  }

  /** The first segment's base offset: no offset below it is stored. */
  get firstBaseOffset(): bigint {
    return this.segments[0]!.baseOffset;
  }

  get needsFlush(): boolean {
    return this.segments.some((segment) => segment.needsFlush);
  }

  segmentBaseOffsets(): bigint[] {
    return this.segments.map((segment) => segment.baseOffset);
  }

  /**
   * Appends batches (offsets already in them) to the active segment, first rolling a new one when
   * the active segment is full or old; `rolled` hears of a roll before the append.
   */
  append(data: Buffer, batches: readonly AppendedBatch[], now: number, rolled: (baseOffset: bigint) => void): void {
    const first = batches[0]!;
    const last = batches.at(-1)!;
    const maxTimestampInMessages = batches.reduce((max, b) => (b.maxTimestamp > max ? b.maxTimestamp : max), -1n);
    let segment = this.activeSegment;
    if (segment.shouldRoll({ messagesSize: data.length, maxTimestampInMessages, maxOffsetInMessages: last.lastOffset, now })) {
      segment = this.roll(first.baseOffset, now);
      rolled(first.baseOffset);
    }
    segment.append(data, batches);
    this.logEnd = last.lastOffset + 1n;
  }

  /**
   * Whole batches from the one holding `fetchOffset`, at most maxBytes of them, none reaching
   * maxOffset; from a single segment, as Kafka reads.
   */
  read(fetchOffset: bigint, maxBytes: number, maxOffset: bigint, minOneBatch: boolean): Buffer {
    for (let i = Math.max(0, this.segmentIndexFor(fetchOffset)); i < this.segments.length; i++) {
      const records = this.segments[i]!.read(fetchOffset, maxBytes, maxOffset, minOneBatch);
      if (records !== undefined) return records;
    }
    return Buffer.alloc(0);
  }

  /** The record with the largest timestamp in the log. */
  maxTimestampRecord(decompress: RecordsDecompressor | undefined): TimestampAndOffset | undefined {
    let best = this.segments[0]!;
    for (const segment of this.segments) {
      if (segment.maxTimestampSoFar().timestamp > best.maxTimestampSoFar().timestamp) best = segment;
    }
    return best.findMaxTimestampRecord(decompress);
  }

  /** The first record at or after `timestamp`, from `startingOffset` on. */
  offsetByTimestamp(timestamp: bigint, startingOffset: bigint, decompress: RecordsDecompressor | undefined): TimestampAndOffset | undefined {
    const segment = this.segments.find((s) => s.maxTimestampSoFar().timestamp >= timestamp);
    return segment?.findOffsetByTimestamp(timestamp, startingOffset, decompress);
  }

  /** Every batch header from the one holding `offset` to the end. */
  *batchHeadersFrom(offset: bigint): Generator<BatchHeader> {
    const first = Math.max(0, this.segmentIndexFor(offset));
    for (let i = first; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      yield* segment.batchHeadersFrom(i === first ? offset : segment.baseOffset);
    }
  }

  /** Every batch header from the start, with the record bytes of each control batch. */
  *batchesWithMarkers(): Generator<{ header: BatchHeader; bytes: Buffer | undefined }> {
    for (const segment of this.segments) yield* segment.batchesWithMarkers();
  }

  /**
   * Kafka's UnifiedLog.deletableSegments: how many of the oldest segments in a row `deletable`
   * accepts, asked only of segments wholly below `highWatermark` (so that the log start never passes
   * it), and never of an empty active segment.
   */
  countDeletable(highWatermark: bigint, deletable: (segment: LogSegment) => boolean): number {
    let count = 0;
    for (const [i, segment] of this.segments.entries()) {
      const next = this.segments[i + 1];
      if (next === undefined && segment.size === 0) break;
      if (highWatermark < (next?.baseOffset ?? this.logEnd) || !deletable(segment)) break;
      count++;
    }
    return count;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Starts a new active segment at the log end, unless the active one is empty. */
  rollAtEnd(now: number): boolean {
    if (this.activeSegment.size === 0) return false;
    this.roll(this.logEnd, now);
    return true;
  }

  /** Deletes the segments wholly below `offset` (the active one stays). */
  deleteSegmentsBelow(offset: bigint): void {
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= offset) {
      this.segments.shift()!.delete();
      this.directoryUnsynced = true;
    }
  }

  /**
   * Removes every batch holding an offset >= `offset` that lies in the segments (a batch straddling
   * it goes too); the caller handles an offset below the first segment with truncateFullyAndStartAt.
   */
  truncateTo(offset: bigint, now: number): void {
    while (this.segments.length > 1 && this.segments.at(-1)!.baseOffset > offset) {
      this.segments.pop()!.delete();
      this.directoryUnsynced = true;
    }
    const active = this.activeSegment;
    active.truncateTo(offset, now);
    this.logEnd = active.nextOffset();
  }

  /** Drops every segment and starts an empty one at `offset`. */
  truncateFullyAndStartAt(offset: bigint, now: number): void {
    for (const segment of this.segments) segment.delete();
    this.segments = [LogSegment.create(this.dir, offset, this.config, now)];
    this.directoryUnsynced = true;
    this.logEnd = offset;
  }

  /**
   * Writes the segments below `target` (all of them for 'end') into their files and fsyncs them,
   * and the directory when segments came or went.
   */
  async flush(upTo: FlushTarget, target: bigint): Promise<void> {
    const segments = this.segments.filter((segment) => segment.needsFlush && (upTo === 'end' || segment.baseOffset < target));
    const syncDirectory = this.directoryUnsynced;
    this.directoryUnsynced = false;
    try {
      for (const segment of segments) segment.writePending();
      await Promise.all(segments.map((segment) => segment.fsync()));
      if (syncDirectory) await fsyncDirectory(this.dir);
    } catch (error) {
      if (syncDirectory) this.directoryUnsynced = true;
      throw error;
    }
  }

  /** The active segment stops taking appends (a clean close records its max timestamp). */
  deactivate(): void {
    this.activeSegment.onBecomeInactive();
  }

  /** Releases every segment's files without writing anything. */
  closeHandles(): void {
    for (const segment of this.segments) segment.close();
  }

  private get activeSegment(): LogSegment {
    return this.segments.at(-1)!;
  }

  private roll(baseOffset: bigint, now: number): LogSegment {
    const previous = this.activeSegment;
    if (previous.size === 0) {
      // An empty active segment is replaced rather than kept as a useless file.
      this.segments.pop();
      previous.delete();
    } else {
      previous.onBecomeInactive();
      // The finished segment reaches the file now; its fsync follows in the next flush.
      previous.writePending();
    }
    const segment = LogSegment.create(this.dir, baseOffset, this.config, now);
    this.segments.push(segment);
    this.directoryUnsynced = true;
    return segment;
  }

  /** Index of the segment holding `offset`: the last one whose base offset is <= it (-1 if none). */
  private segmentIndexFor(offset: bigint): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }
}
