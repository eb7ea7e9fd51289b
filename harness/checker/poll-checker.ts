// Jepsen's poll anomalies: a consumer's reads of a partition, within one assignment (one group
// generation of one consumer), must move forward one message at a time. Skipping offsets that
// hold messages (poll-skip) or going back (nonmonotonic-poll), between two polls or within one
// fetched batch (int-), means the broker served a consumer something other than its log. Across a
// rebalance both are allowed, as Jepsen allows them under subscribe. Which offsets hold messages
// is known from every acknowledgement and every read of the run.
import type { Operation } from '../history/operation.js';
import { OffsetTable } from './offset-table.js';

export interface PollAnomaly {
  consumer: string;
  generation: number;
  partition: number;
  /** The offset read before, and the one read next. */
  from: number;
  to: number;
  /** Offsets in between known to hold messages (poll-skip; at most 10 listed). */
  skipped?: number[];
}

export interface PollResult {
  pollSkips: PollAnomaly[];
  nonmonotonicPolls: PollAnomaly[];
  intPollSkips: PollAnomaly[];
  intNonmonotonicPolls: PollAnomaly[];
  /** Polls checked, and consumers (name and generation) they came from. */
  polls: number;
  consumers: number;
}

const CAP = 1000;
/** Beyond this many offsets between two reads, the gap is checked by sampling the known offsets instead. */
const SCAN_LIMIT = 100_000;

/** Feed the input topic's sends and polls in any file order, then call result(). */
export class PollChecker {
  /** partition -> offset -> a message id known to be there. */
  private readonly known = new Map<number, OffsetTable>();
  /** "consumer\0generation\0partition" -> that consumer's batches of offsets, in the order read. */
  private readonly batches = new Map<string, number[][]>();
  private polls = 0;

  add(op: Operation): void {
    if (op.f === 'send') {
      if (op.type === 'ok' && op.offset !== undefined && op.offset >= 0) this.know(op.partition, op.offset, op.id);
      return;
    }
    if (op.f !== 'poll' || op.topic !== undefined) return;
    this.polls++;
    const consumer = op.consumer ?? `process ${op.process}`;
    const byPartition = new Map<number, number[]>();
    for (const [partition, offset, id] of op.reads) {
      this.know(partition, offset, id);
      let offsets = byPartition.get(partition);
      if (!offsets) byPartition.set(partition, (offsets = []));
      offsets.push(offset);
    }
    for (const [partition, offsets] of byPartition) {
      const key = `${consumer}\u0000${op.generation ?? 0}\u0000${partition}`;
      let list = this.batches.get(key);
      if (!list) this.batches.set(key, (list = []));
      list.push(offsets);
    }
  }

  private know(partition: number, offset: number, id: number): void {
    let table = this.known.get(partition);
    if (!table) this.known.set(partition, (table = new OffsetTable()));
    if (table.get(offset) === undefined) table.set(offset, id);
  }

  /** Offsets strictly between `from` and `to` known to hold messages (up to 10). */
  private skippedBetween(partition: number, from: number, to: number): number[] {
    const table = this.known.get(partition);
    if (!table || to - from <= 1) return [];
    const found: number[] = [];
    const step = to - from - 1 > SCAN_LIMIT ? Math.ceil((to - from - 1) / SCAN_LIMIT) : 1;
    for (let o = from + 1; o < to && found.length < 10; o += step) if (table.get(o) !== undefined) found.push(o);
    return found;
  }

  result(): PollResult {
    const r: PollResult = { pollSkips: [], nonmonotonicPolls: [], intPollSkips: [], intNonmonotonicPolls: [], polls: this.polls, consumers: 0 };
    const consumers = new Set<string>();
    const push = (list: PollAnomaly[], a: PollAnomaly) => {
      if (list.length < CAP) list.push(a);
    };
    for (const [key, batches] of this.batches) {
      const [consumer, generation, partition] = key.split('\u0000') as [string, string, string];
      consumers.add(`${consumer}\u0000${generation}`);
      const where = { consumer, generation: Number(generation), partition: Number(partition) };
      let previous: number | undefined;
      for (const batch of batches) {
        batch.forEach((offset, i) => {
          if (previous !== undefined) {
            const within = i > 0;
            if (offset <= previous) push(within ? r.intNonmonotonicPolls : r.nonmonotonicPolls, { ...where, from: previous, to: offset });
            else {
              const skipped = this.skippedBetween(where.partition, previous, offset);
              if (skipped.length > 0) push(within ? r.intPollSkips : r.pollSkips, { ...where, from: previous, to: offset, skipped });
            }
          }
          previous = offset;
        });
      }
    }
    r.consumers = consumers.size;
    return r;
  }
}
