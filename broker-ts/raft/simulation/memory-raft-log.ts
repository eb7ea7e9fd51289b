// An in-memory RaftLog for the simulation: entries with their epochs, and a durable prefix that
// survives a simulated crash (what was flushed) while the rest is lost with the process.
import type { EpochEnd, RaftLog } from '../raft-log.js';

export interface SimEntry {
  offset: bigint;
  epoch: number;
  value: string;
}

export class MemoryRaftLog implements RaftLog<string, SimEntry[]> {
  entries: SimEntry[] = [];
  /** Entries below this are on "disk". */
  durableEnd = 0n;
  flushRequested = false;

  endOffset(): bigint {
    return BigInt(this.entries.length);
  }

  lastEpoch(): number {
    return this.entries.at(-1)?.epoch ?? 0;
  }

  endOffsetForEpoch(epoch: number): EpochEnd {
    let found: EpochEnd = { epoch: -1, endOffset: -1n };
    for (const entry of this.entries) {
      if (entry.epoch > epoch) return found.epoch === -1 ? found : { epoch: found.epoch, endOffset: entry.offset };
      found = { epoch: entry.epoch, endOffset: entry.offset + 1n };
    }
    return found;
  }

  appendAsLeader(records: readonly string[], epoch: number): bigint {
    for (const value of records) this.entries.push({ offset: this.endOffset(), epoch, value });
    return this.endOffset();
  }

  appendAsFollower(slice: SimEntry[]): void {
    for (const entry of slice) {
      if (entry.offset !== this.endOffset()) throw new Error(`follower append at ${entry.offset} does not continue the log at ${this.endOffset()}`);
      this.entries.push({ ...entry });
    }
  }

  read(offset: bigint, maxBytes: number): SimEntry[] | undefined {
    const slice = this.entries.slice(Number(offset), Number(offset) + Math.max(1, Math.floor(maxBytes / 16)));
    return slice.length === 0 ? undefined : slice.map((e) => ({ ...e }));
  }

  truncateTo(offset: bigint): void {
    if (offset < this.endOffset()) this.entries.length = Number(offset);
    if (this.durableEnd > this.endOffset()) this.durableEnd = this.endOffset();
  }

  requestFlush(): void {
    this.flushRequested = true;
  }

  /** A crash: what was not flushed is gone. */
  crash(): void {
    this.entries.length = Number(this.durableEnd);
    this.flushRequested = false;
  }
}
