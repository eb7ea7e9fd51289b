import type { Operation } from '../history/operation.js';
import { OffsetTable } from './offset-table.js';

/**
 * Jepsen's total-queue semantics applied to Kafka partitions. Every message id is sent at most
 * once by the workload; the drain reads each partition from its start to its end.
 */
export interface Counts {
  /** Sends invoked. */
  attempted: number;
  /** Sends that completed ok. */
  acknowledged: number;
  /** Sends that certainly did not happen. */
  failed: number;
  /** Sends whose outcome is unknown (info, or never completed). */
  indeterminate: number;
  /** Acknowledged and never read. */
  lost: number;
  /** Indeterminate and read. */
  recovered: number;
  /** Read at more than one offset. */
  duplicated: number;
  /** Read but never attempted. */
  unexpected: number;
}

export interface LostMessage {
  id: number;
  process: number;
  partition: number;
  /** Offset the broker acknowledged, when the acks setting returns one. */
  offset: number | undefined;
  /** When the acknowledgement arrived (ms since the run started). */
  ackTime: number;
  /** A later offset of the same partition was read: the write was lost, not merely unseen. */
  lostWrite: boolean;
  /** What the drain found at the acknowledged offset instead (another message id), if anything. */
  overwrittenBy: number | undefined;
}

export interface Anomalies {
  /**
   * Two different messages at one (partition, offset), whoever saw them: two acknowledgements, an
   * acknowledgement and a read, or two reads, whatever their order in the history.
   */
  inconsistentOffsets: { partition: number; offset: number; ids: number[] }[];
  /** Acknowledged messages missing although a later offset of their partition was read. */
  lostWrites: number;
  /** Messages of one process read out of the order in which that process had them acknowledged. */
  reordered: { process: number; partition: number; before: number; after: number }[];
  /** Sends recorded as failed (certainly not written) that were read anyway. */
  failedButRead: number[];
  /** Messages acknowledged at one offset and read only at others (a duplicate read at its own offset too is `duplicated`). */
  offsetMismatches: { id: number; partition: number; acked: number; read: number }[];
  /** Read values that are not message ids of this run. */
  unexpectedValues: { partition: number; offset: number; id: number }[];
  /** Places whose value was read changed: not the id, '|' and padding the producer wrote (id -1 when the id itself is unreadable). */
  corruptedValues: { partition: number; offset: number; id: number }[];
  /**
   * Sends the client reported done although no broker answered for their partition, whose message
   * was never read: lost by the client, not by a broker (they count as indeterminate, not lost).
   */
  phantomAcks: number[];
  /**
   * Messages a consumer read during the run that the drain, reading every partition to its end
   * afterwards, found nowhere: the log lost what had been visible below its high watermark, which
   * Kafka never gives up in a clean election, whatever the acks of the write.
   */
  lostReads: { id: number; partition: number; offset: number }[];
}

export interface PartitionSummary {
  partition: number;
  acknowledged: number;
  lost: number;
  read: number;
  /** Highest offset read, -1 if none. */
  highestOffsetRead: number;
}

export interface CheckResult {
  counts: Counts;
  /** The same counts per producer (client name), for experiments that run several. */
  byClient: Record<string, Counts>;
  anomalies: Anomalies;
  /** Lost messages, in acknowledgement order (capped by `maxListed`). */
  lost: LostMessage[];
  partitions: PartitionSummary[];
  /**
   * What makes the history itself unsound, so that no verdict can rest on it: a message id invoked
   * twice, a completion with no invoke, a second completion of one send. Capped at 100.
   */
  historyProblems: string[];
  /** How many of each listed anomaly there are (the lists are capped; these are not). */
  anomalyTotals: AnomalyTotals;
}

export interface AnomalyTotals {
  inconsistentOffsets: number;
  offsetMismatches: number;
  reordered: number;
  failedButRead: number;
  phantomAcks: number;
  corruptedValues: number;
  lostReads: number;
}

const enum Outcome {
  Invoked = 0,
  Ok = 1,
  Fail = 2,
  Info = 3,
}

const OUTCOME_NAMES = ['invoke', 'ok', 'fail', 'info'];

export const DEFAULT_CLIENT = 'producer';

class MessageState {
  outcome = Outcome.Invoked;
  ackTime = 0;
  ackOffset = -1;
  readPartition = -1;
  readOffset = -1;
  /** Distinct (partition, offset) places it was read at. */
  readPlaces = 0;
  /** Read at the offset it was acknowledged at. */
  readAtAck = false;
  /** The client said ok, but no broker answered for the partition. */
  unanswered = false;
  constructor(
    readonly process: number,
    readonly partition: number,
    readonly client: number,
  ) {}
}

function emptyCounts(): Counts {
  return { attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, lost: 0, recovered: 0, duplicated: 0, unexpected: 0 };
}

export interface CheckOptions {
  /** Cap on the lists in the result (counts are always complete). */
  maxListed?: number;
}

/** Feed operations in history order, then call result(). Memory is proportional to the number of messages. */
export class QueueChecker {
  private readonly messages = new Map<number, MessageState>();
  private readonly clients: string[] = [];
  /** partition -> offset -> id, from acknowledgements and reads. */
  private readonly acksAt = new Map<number, OffsetTable>();
  private readonly readsAt = new Map<number, OffsetTable>();
  /** A second, different message acknowledged at an offset already acknowledged. */
  private readonly ackCollisions: { partition: number; offset: number; id: number }[] = [];
  private readonly unexpected: Anomalies['unexpectedValues'] = [];
  /** A different message read at a place already read (two consumers disagreeing). */
  private readonly readConflicts: { partition: number; offset: number; id: number }[] = [];
  private unexpectedCount = 0;
  private readonly corrupted: Anomalies['corruptedValues'] = [];
  private readonly corruptedPlaces = new Set<string>();
  private readonly problems: string[] = [];
  private inconsistentTotal = 0;
  /** What consumers other than the drain read, by message id (where first read), and what the drain read. */
  private readonly liveReads = new Map<number, { partition: number; offset: number }>();
  private readonly drainReads = new Set<number>();
  private drained = false;

  constructor(private readonly options: CheckOptions = {}) {}

  private problem(text: string): void {
    if (this.problems.length < 100) this.problems.push(text);
  }

  add(op: Operation): void {
    if (op.f === 'send') {
      if (op.type === 'invoke') {
        const known = this.messages.get(op.id);
        if (known) this.problem(`message ${op.id} invoked twice (process ${known.process}, then process ${op.process})`);
        else this.messages.set(op.id, new MessageState(op.process, op.partition, this.clientIndex(op.client)));
        return;
      }
      const m = this.messages.get(op.id);
      if (!m) {
        this.problem(`message ${op.id} completed (${op.type}) without an invoke`);
        return;
      }
      // A send completes once: ok is final, and nothing may follow fail or info either.
      if (m.outcome !== Outcome.Invoked) {
        this.problem(`message ${op.id} completed twice (${OUTCOME_NAMES[m.outcome]}, then ${op.type})`);
        return;
      }
      if (op.type === 'ok' && op.unanswered) {
        // No broker acknowledged it: its outcome is as unknown as a timeout's.
        m.outcome = Outcome.Info;
        m.unanswered = true;
      } else if (op.type === 'ok') {
        m.outcome = Outcome.Ok;
        m.ackTime = op.time;
        if (op.offset !== undefined && op.offset >= 0) {
          m.ackOffset = op.offset;
          const acks = placeMap(this.acksAt, op.partition);
          const earlier = acks.get(op.offset);
          if (earlier === undefined) acks.set(op.offset, op.id);
          else if (earlier !== op.id) this.ackCollisions.push({ partition: op.partition, offset: op.offset, id: op.id });
        }
      } else {
        m.outcome = op.type === 'fail' ? Outcome.Fail : Outcome.Info;
      }
      return;
    }
    if (op.f === 'poll' && op.topic === undefined) {
      const drain = op.process === -1;
      if (drain) this.drained = true;
      for (const [partition, offset, id] of op.reads) {
        this.addRead(partition, offset, id);
        if (drain) this.drainReads.add(id);
        else if (!this.liveReads.has(id)) this.liveReads.set(id, { partition, offset });
      }
      for (const i of op.corrupt ?? []) {
        const [partition, offset, id] = op.reads[i]!;
        // One place read corrupted by several readers is one corrupted value.
        const place = `${partition}/${offset}`;
        if (this.corruptedPlaces.has(place)) continue;
        this.corruptedPlaces.add(place);
        this.corrupted.push({ partition, offset, id });
      }
    }
  }

  private clientIndex(name = DEFAULT_CLIENT): number {
    let i = this.clients.indexOf(name);
    if (i < 0) i = this.clients.push(name) - 1;
    return i;
  }

  /**
   * Reads are only collected here and matched against sends in result(): histories of several
   * processes are read one file after another, so a read may come before the send it saw.
   */
  private addRead(partition: number, offset: number, id: number): void {
    const at = placeMap(this.readsAt, partition);
    const previous = at.get(offset);
    // The same offset read twice (two polls, a re-consumed range) is one place in the log.
    if (previous === id) return;
    if (previous === undefined) at.set(offset, id);
    else this.readConflicts.push({ partition, offset, id });
  }

  private resolveReads(): void {
    const apply = (partition: number, offset: number, id: number) => {
      const m = this.messages.get(id);
      if (!m) {
        this.unexpectedCount++;
        if (this.unexpected.length < this.cap) this.unexpected.push({ partition, offset, id });
        return;
      }
      m.readPlaces++;
      if (partition === m.partition && offset === m.ackOffset) m.readAtAck = true;
      if (m.readOffset < 0 || offset < m.readOffset) {
        m.readPartition = partition;
        m.readOffset = offset;
      }
    };
    for (const [partition, at] of this.readsAt) at.forEach((offset, id) => apply(partition, offset, id));
    for (const c of this.readConflicts) apply(c.partition, c.offset, c.id);
  }

  private get cap(): number {
    return this.options.maxListed ?? 10_000;
  }

  /** Places where acknowledgements and reads disagree on which message sits at an offset. */
  private inconsistentOffsets(): Anomalies['inconsistentOffsets'] {
    const places = new Map<string, { partition: number; offset: number; ids: number[] }>();
    const place = (partition: number, offset: number) => {
      const key = `${partition}/${offset}`;
      let p = places.get(key);
      if (!p) {
        p = { partition, offset, ids: [] };
        places.set(key, p);
      }
      return p;
    };
    for (const c of this.ackCollisions) {
      const p = place(c.partition, c.offset);
      addUnique(p.ids, this.acksAt.get(c.partition)!.get(c.offset)!);
      addUnique(p.ids, c.id);
    }
    // Two reads of one place that disagree, whichever came first.
    for (const c of this.readConflicts) {
      const p = place(c.partition, c.offset);
      addUnique(p.ids, this.readsAt.get(c.partition)!.get(c.offset)!);
      addUnique(p.ids, c.id);
    }
    for (const [partition, acks] of this.acksAt) {
      const reads = this.readsAt.get(partition);
      acks.forEach((offset, ackedId) => {
        const readId = reads?.get(offset);
        if (readId === undefined) return;
        if (readId !== ackedId || places.has(`${partition}/${offset}`)) {
          const p = place(partition, offset);
          addUnique(p.ids, ackedId);
          addUnique(p.ids, readId);
        }
      });
    }
    this.inconsistentTotal = places.size;
    return [...places.values()].slice(0, this.cap);
  }

  result(): CheckResult {
    this.resolveReads();
    const counts: Counts = { ...emptyCounts(), unexpected: this.unexpectedCount };
    const perClient = this.clients.map(() => emptyCounts());
    const anomalies: Anomalies = {
      inconsistentOffsets: [],
      lostWrites: 0,
      reordered: [],
      failedButRead: [],
      offsetMismatches: [],
      unexpectedValues: this.unexpected,
      phantomAcks: [],
      corruptedValues: this.corrupted.slice(0, this.cap),
      lostReads: [],
    };
    const highestRead = new Map<number, number>();
    for (const [partition, at] of this.readsAt) highestRead.set(partition, at.highestOffset());
    const partitions = new Map<number, PartitionSummary>();
    const summary = (p: number): PartitionSummary => {
      let s = partitions.get(p);
      if (!s) {
        s = { partition: p, acknowledged: 0, lost: 0, read: 0, highestOffsetRead: highestRead.get(p) ?? -1 };
        partitions.set(p, s);
      }
      return s;
    };
    for (const [p, at] of this.readsAt) summary(p).read = at.size;

    const totals: AnomalyTotals = {
      inconsistentOffsets: 0,
      offsetMismatches: 0,
      reordered: 0,
      failedButRead: 0,
      phantomAcks: 0,
      corruptedValues: this.corrupted.length,
      lostReads: 0,
    };
    const lost: LostMessage[] = [];
    // Per process and partition, the read offsets of its acknowledged messages in invoke order.
    const lastReadByProcess = new Map<string, { id: number; offset: number }>();
    const ids = Float64Array.from(this.messages.keys()).sort();
    for (const id of ids) {
      const m = this.messages.get(id)!;
      const mine = perClient[m.client]!;
      counts.attempted++;
      mine.attempted++;
      const read = m.readPlaces > 0;
      if (m.readPlaces > 1) {
        counts.duplicated++;
        mine.duplicated++;
      }
      switch (m.outcome) {
        case Outcome.Ok: {
          counts.acknowledged++;
          mine.acknowledged++;
          summary(m.partition).acknowledged++;
          if (!read) {
            counts.lost++;
            mine.lost++;
            summary(m.partition).lost++;
            const lostWrite = m.ackOffset >= 0 ? (highestRead.get(m.partition) ?? -1) > m.ackOffset : (highestRead.get(m.partition) ?? -1) >= 0;
            if (lostWrite) anomalies.lostWrites++;
            if (lost.length < this.cap) {
              lost.push({
                id,
                process: m.process,
                partition: m.partition,
                offset: m.ackOffset >= 0 ? m.ackOffset : undefined,
                ackTime: m.ackTime,
                lostWrite,
                overwrittenBy: m.ackOffset >= 0 ? this.readsAt.get(m.partition)?.get(m.ackOffset) : undefined,
              });
            }
          } else if (m.ackOffset >= 0 && !m.readAtAck) {
            totals.offsetMismatches++;
            if (anomalies.offsetMismatches.length < this.cap) {
              anomalies.offsetMismatches.push({ id, partition: m.partition, acked: m.ackOffset, read: m.readOffset });
            }
          }
          if (read) {
            const key = `${m.process}/${m.readPartition}`;
            const prev = lastReadByProcess.get(key);
            if (prev && m.readOffset < prev.offset) {
              totals.reordered++;
              if (anomalies.reordered.length < this.cap)
                anomalies.reordered.push({ process: m.process, partition: m.readPartition, before: prev.id, after: id });
            }
            lastReadByProcess.set(key, { id, offset: m.readOffset });
          }
          break;
        }
        case Outcome.Fail:
          counts.failed++;
          mine.failed++;
          if (read) totals.failedButRead++;
          if (read && anomalies.failedButRead.length < this.cap) anomalies.failedButRead.push(id);
          break;
        default:
          counts.indeterminate++;
          mine.indeterminate++;
          if (read) {
            counts.recovered++;
            mine.recovered++;
          } else if (m.unanswered) {
            totals.phantomAcks++;
            if (anomalies.phantomAcks.length < this.cap) anomalies.phantomAcks.push(id);
          }
      }
    }
    anomalies.inconsistentOffsets = this.inconsistentOffsets();
    totals.inconsistentOffsets = this.inconsistentTotal;
    // Only against a drain: without one, nothing says what the log kept.
    if (this.drained) {
      for (const [id, place] of this.liveReads) {
        if (this.drainReads.has(id)) continue;
        totals.lostReads++;
        if (anomalies.lostReads.length < this.cap) anomalies.lostReads.push({ id, ...place });
      }
    }
    lost.sort((a, b) => a.ackTime - b.ackTime);
    return {
      counts,
      byClient: Object.fromEntries(this.clients.map((name, i) => [name, perClient[i]!])),
      anomalies,
      lost,
      partitions: [...partitions.values()].sort((a, b) => a.partition - b.partition),
      historyProblems: [...this.problems],
      anomalyTotals: totals,
    };
  }
}

function addUnique(list: number[], id: number): void {
  if (!list.includes(id)) list.push(id);
}

function placeMap(tables: Map<number, OffsetTable>, partition: number): OffsetTable {
  let t = tables.get(partition);
  if (!t) {
    t = new OffsetTable();
    tables.set(partition, t);
  }
  return t;
}

export async function checkHistory(ops: AsyncIterable<Operation> | Iterable<Operation>, options?: CheckOptions): Promise<CheckResult> {
  const checker = new QueueChecker(options);
  for await (const op of ops) checker.add(op);
  return checker.result();
}
