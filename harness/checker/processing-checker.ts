import type { Operation } from '../history/operation.js';

/** What a consumer group did with the messages in the log, judged from its members' journals. */
export interface ProcessingResult {
  /** Messages in the log. */
  inLog: number;
  /** Processed at least once. */
  processed: number;
  /** Below the group's committed offset but never processed by any member: the commit said done, nothing did it. */
  processedLost: number;
  /** Processed more than once (by one member or by several). */
  processedDuplicates: number;
  /** At or above the committed offset and never processed (the group had not got there). */
  unprocessed: number;
  committed: Record<number, number>;
  /** Up to 100 messages whose processing was lost. */
  lostExamples: { partition: number; offset: number; id: number }[];
  /**
   * Two members' assignments of one partition that overlap in time: a member read the partition
   * after another had started reading it and before its own assignment of it ended. The group
   * protocol hands a partition over only once its owner has given it up.
   */
  splitOwnership: number;
  /** Up to 20 of them. */
  splitOwnershipExamples: { partition: number; first: OwnershipSpan; second: OwnershipSpan }[];
}

/** One member's reads of one partition within one assignment (one generation as it counts them), on the run's clock. */
export interface OwnershipSpan {
  consumer: string;
  generation: number;
  from: number;
  to: number;
}

export interface JournalLine {
  partition: number;
  offset: number;
}

/**
 * Compares the log (the drain's reads), each member's durable journal of processed messages, and
 * the group's committed offsets.
 */
export class ProcessingChecker {
  /** partition -> offset -> message id, from the drain. */
  private readonly log = new Map<number, Map<number, number>>();
  /** "partition/offset" -> times processed. */
  private readonly done = new Map<string, number>();
  /** partition -> "consumer\0generation" -> the span of that assignment's reads of the partition. */
  private readonly spans = new Map<number, Map<string, OwnershipSpan>>();

  add(op: Operation): void {
    if (op.f !== 'poll' || op.topic !== undefined) return;
    for (const [partition, offset, id] of op.reads) {
      let p = this.log.get(partition);
      if (!p) this.log.set(partition, (p = new Map()));
      p.set(offset, id);
      // Only the group's members own partitions; the drain reads everything.
      if (op.process === -2 && op.consumer !== undefined) this.extendSpan(partition, op.consumer, op.generation ?? 0, op.time);
    }
  }

  private extendSpan(partition: number, consumer: string, generation: number, time: number): void {
    let byAssignment = this.spans.get(partition);
    if (!byAssignment) this.spans.set(partition, (byAssignment = new Map()));
    const key = `${consumer}\u0000${generation}`;
    const span = byAssignment.get(key);
    if (span === undefined) byAssignment.set(key, { consumer, generation, from: time, to: time });
    else {
      span.from = Math.min(span.from, time);
      span.to = Math.max(span.to, time);
    }
  }

  addJournal(lines: Iterable<JournalLine>): void {
    for (const l of lines) {
      const key = `${l.partition}/${l.offset}`;
      this.done.set(key, (this.done.get(key) ?? 0) + 1);
    }
  }

  result(committed: Map<number, number>): ProcessingResult {
    const r: ProcessingResult = {
      inLog: 0,
      processed: 0,
      processedLost: 0,
      processedDuplicates: 0,
      unprocessed: 0,
      committed: Object.fromEntries(committed),
      lostExamples: [],
      splitOwnership: 0,
      splitOwnershipExamples: [],
    };
    for (const [partition, byAssignment] of this.spans) {
      const spans = [...byAssignment.values()].sort((a, b) => a.from - b.from);
      for (let i = 0; i < spans.length; i++) {
        for (let j = i + 1; j < spans.length && spans[j]!.from < spans[i]!.to; j++) {
          if (spans[j]!.consumer === spans[i]!.consumer) continue;
          r.splitOwnership++;
          if (r.splitOwnershipExamples.length < 20) r.splitOwnershipExamples.push({ partition, first: spans[i]!, second: spans[j]! });
        }
      }
    }
    for (const [partition, offsets] of this.log) {
      const upTo = committed.get(partition) ?? -1;
      for (const [offset, id] of offsets) {
        r.inLog++;
        const times = this.done.get(`${partition}/${offset}`) ?? 0;
        if (times > 0) r.processed++;
        if (times > 1) r.processedDuplicates++;
        if (times === 0 && offset < upTo) {
          r.processedLost++;
          if (r.lostExamples.length < 100) r.lostExamples.push({ partition, offset, id });
        } else if (times === 0) r.unprocessed++;
      }
    }
    return r;
  }
}
