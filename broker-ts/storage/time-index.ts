// The .timeindex file: (timestamp int64, offset relative to the segment base int32). An entry says
// "the largest timestamp up to this offset is this timestamp"; timestamps strictly increase, so
// ListOffsets by timestamp can binary-search it.
import { IndexFile } from './index-file.js';

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

const ENTRY_SIZE = 12;

export class TimeIndex extends IndexFile {
  private constructor(
    path: string,
    readonly baseOffset: bigint,
    maxIndexSizeBytes: number,
    load: boolean,
  ) {
    super(path, ENTRY_SIZE, Math.floor(maxIndexSizeBytes / ENTRY_SIZE), load);
  }

  static load(path: string, baseOffset: bigint, maxIndexSizeBytes: number): TimeIndex {
    return new TimeIndex(path, baseOffset, maxIndexSizeBytes, true);
  }

  static empty(path: string, baseOffset: bigint, maxIndexSizeBytes: number): TimeIndex {
    return new TimeIndex(path, baseOffset, maxIndexSizeBytes, false);
  }

  /** One slot stays free for the entry a segment writes when it stops being active. */
  override get isFull(): boolean {
    return this.entries >= this.maxEntries - 1;
  }

  entryAt(index: number): TimestampOffset {
    const at = index * ENTRY_SIZE;
    return {
      timestamp: this.data.readBigInt64BE(at),
      offset: this.baseOffset + BigInt(this.data.readInt32BE(at + 8)),
    };
  }

  lastEntry(): TimestampOffset | undefined {
    return this.entries === 0 ? undefined : this.entryAt(this.entries - 1);
  }

  /** Appends only when `timestamp` is above the last entry's, as Kafka does. */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull) throw new RangeError(`time index ${this.path} is full`);
    const last = this.lastEntry();
    if (last !== undefined && (timestamp <= last.timestamp || offset < last.offset)) return;
    if (this.entries >= this.maxEntries) return;
    const at = this.reserveEntry();
    this.data.writeBigInt64BE(timestamp, at);
    this.data.writeInt32BE(Number(offset - this.baseOffset), at + 8);
  }

  /** The entry with the largest timestamp <= target, or (-1, base offset) when there is none. */
  lookup(target: bigint): TimestampOffset {
    let low = 0;
    let high = this.entries - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.data.readBigInt64BE(mid * ENTRY_SIZE) <= target) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? { timestamp: -1n, offset: this.baseOffset } : this.entryAt(found);
  }

  /** Drops the entries for offsets >= offset. */
  truncateTo(offset: bigint): void {
    let keep = this.entries;
    while (keep > 0 && this.entryAt(keep - 1).offset >= offset) keep -= 1;
    this.truncateEntries(keep);
  }

  reset(): void {
    this.truncateEntries(0);
  }

  sanityProblem(): string | undefined {
    if (this.trailingBytes !== 0) return `${this.trailingBytes} trailing bytes`;
    let previous: TimestampOffset | undefined;
    for (let i = 0; i < this.entries; i++) {
      const entry = this.entryAt(i);
      if (entry.offset < this.baseOffset) return `entry ${i} is below the base offset`;
      if (previous !== undefined && (entry.timestamp <= previous.timestamp || entry.offset < previous.offset)) {
        return `entry ${i} is not above entry ${i - 1}`;
      }
      previous = entry;
    }
    return undefined;
  }
}
