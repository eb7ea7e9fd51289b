// The .index file: (offset relative to the segment base as int32, byte position as int32), one
// entry every index.interval.bytes. An entry names the last offset of the batch at that position.
import { IndexFile } from './index-file.js';

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

const ENTRY_SIZE = 8;
const MAX_RELATIVE_OFFSET = 0x7fffffffn;

export class OffsetIndex extends IndexFile {
  private constructor(
    path: string,
    readonly baseOffset: bigint,
    maxIndexSizeBytes: number,
    load: boolean,
  ) {
    super(path, ENTRY_SIZE, Math.floor(maxIndexSizeBytes / ENTRY_SIZE), load);
  }

  static load(path: string, baseOffset: bigint, maxIndexSizeBytes: number): OffsetIndex {
    return new OffsetIndex(path, baseOffset, maxIndexSizeBytes, true);
  }

  static empty(path: string, baseOffset: bigint, maxIndexSizeBytes: number): OffsetIndex {
    return new OffsetIndex(path, baseOffset, maxIndexSizeBytes, false);
  }

  entryAt(index: number): OffsetPosition {
    const at = index * ENTRY_SIZE;
    return { offset: this.baseOffset + BigInt(this.data.readInt32BE(at)), position: this.data.readInt32BE(at + 4) };
  }

  lastEntry(): OffsetPosition | undefined {
    return this.entries === 0 ? undefined : this.entryAt(this.entries - 1);
  }

  canAppendOffset(offset: bigint): boolean {
    const relative = offset - this.baseOffset;
    return relative >= 0n && relative <= MAX_RELATIVE_OFFSET;
  }

  append(offset: bigint, position: number): void {
    const last = this.lastEntry();
    if (last !== undefined && offset <= last.offset) {
      throw new RangeError(`offset index entry ${offset} is not above the last entry ${last.offset}`);
    }
    if (!this.canAppendOffset(offset)) throw new RangeError(`offset ${offset} does not fit segment ${this.baseOffset}`);
    const at = this.reserveEntry();
    this.data.writeInt32BE(Number(offset - this.baseOffset), at);
    this.data.writeInt32BE(position, at + 4);
  }

  /** The entry with the largest offset <= target, or the segment start when there is none. */
  lookup(target: bigint): OffsetPosition {
    const index = this.largestAtMost(target);
    return index < 0 ? { offset: this.baseOffset, position: 0 } : this.entryAt(index);
  }

  /** Drops the entries for offsets >= offset. */
  truncateTo(offset: bigint): void {
    this.truncateEntries(this.largestAtMost(offset - 1n) + 1);
  }

  reset(): void {
    this.truncateEntries(0);
  }

  /** Why the loaded entries cannot be trusted against a log of `logSize` bytes, if they cannot. */
  sanityProblem(logSize: number): string | undefined {
    if (this.trailingBytes !== 0) return `${this.trailingBytes} trailing bytes`;
    let previous: OffsetPosition | undefined;
    for (let i = 0; i < this.entries; i++) {
      const entry = this.entryAt(i);
      if (entry.offset < this.baseOffset) return `entry ${i} is below the base offset`;
      if (entry.position < 0 || entry.position >= logSize) return `entry ${i} points past the log (${entry.position} >= ${logSize})`;
      if (previous !== undefined && (entry.offset <= previous.offset || entry.position <= previous.position)) {
        return `entry ${i} is not above entry ${i - 1}`;
      }
      previous = entry;
    }
    return undefined;
  }

  private largestAtMost(target: bigint): number {
    if (target < this.baseOffset) return -1;
    const relative = target - this.baseOffset > MAX_RELATIVE_OFFSET ? 0x7fffffff : Number(target - this.baseOffset);
    let low = 0;
    let high = this.entries - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.data.readInt32BE(mid * ENTRY_SIZE) <= relative) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }
}
