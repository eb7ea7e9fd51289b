import type { Operation } from '../history/operation.js';

/** What an exactly-once pipeline promises, and how its run measured up. */
export interface TransactionResult {
  transactions: { committed: number; aborted: number; unknown: number };
  /** Records a read_committed consumer saw from transactions that were aborted. */
  abortedReads: number;
  /** Committed (or unknown) transactions of which only part of the output is visible. */
  tornTransactions: number;
  /** Transactions reported committed whose output is nowhere to be read. */
  lostCommittedTransactions: number;
  /** Input positions (partition, offset) with output in more than one committed transaction, or twice in one. */
  outputDuplicates: number;
  /** Input positions the pipeline's group committed past, with no committed output of a transaction that read them. */
  missingOutputs: number;
  /** Records of aborted transactions in the log (read_uncommitted): the aborts were real. */
  abortedRecordsInLog: number;
  examples: {
    abortedReads: { txn: string; id: number }[];
    torn: { txn: string; expected: number; visible: number }[];
    lostCommitted: string[];
    duplicates: { partition: number; offset: number; id: number; txns: string[] }[];
    missing: { partition: number; offset: number; id: number }[];
  };
}

interface Txn {
  state: 'invoke' | 'ok' | 'fail' | 'info';
  inputs: [number, number, number][];
}

const CAP = 50;

/**
 * Judges a consume-transform-produce pipeline from its workers' transaction histories, the
 * committed (read_committed) and complete (read_uncommitted) reads of its output topic, the reads
 * of its input topic, and its group's committed input offsets.
 */
export class TransactionChecker {
  private readonly txns = new Map<string, Txn>();
  /** txn -> ids visible in the committed output. */
  private readonly visible = new Map<string, number[]>();
  private readonly uncommittedTxns: string[] = [];
  /** The input topic as the drain read it: [partition, offset, id]. */
  private readonly input: [number, number, number][] = [];

  constructor(private readonly outputTopic: string) {}

  add(op: Operation): void {
    if (op.f === 'txn') {
      const t = this.txns.get(op.txn) ?? { state: 'invoke', inputs: [] };
      if (op.type === 'invoke') t.inputs = op.inputs ?? [];
      else t.state = op.type;
      this.txns.set(op.txn, t);
      return;
    }
    if (op.f !== 'poll') return;
    if (op.topic === undefined) {
      this.input.push(...op.reads);
      return;
    }
    if (op.topic !== this.outputTopic) return;
    op.reads.forEach(([, , id], i) => {
      const txn = op.txns?.[i] ?? '';
      if (op.isolation === 'uncommitted') {
        this.uncommittedTxns.push(txn);
        return;
      }
      this.visible.set(txn, [...(this.visible.get(txn) ?? []), id]);
    });
  }

  result(committedInputOffsets: Map<number, number>): TransactionResult {
    const r: TransactionResult = {
      transactions: { committed: 0, aborted: 0, unknown: 0 },
      abortedReads: 0,
      tornTransactions: 0,
      lostCommittedTransactions: 0,
      outputDuplicates: 0,
      missingOutputs: 0,
      abortedRecordsInLog: 0,
      examples: { abortedReads: [], torn: [], lostCommitted: [], duplicates: [], missing: [] },
    };
    for (const [name, t] of this.txns) {
      if (t.state === 'ok') r.transactions.committed++;
      else if (t.state === 'fail') r.transactions.aborted++;
      else r.transactions.unknown++;
      const seen = new Set(this.visible.get(name) ?? []);
      if (t.state === 'fail') {
        if (seen.size > 0) {
          r.abortedReads += seen.size;
          for (const id of seen) if (r.examples.abortedReads.length < CAP) r.examples.abortedReads.push({ txn: name, id });
        }
        continue;
      }
      const expected = new Set(t.inputs.map(([, , id]) => id));
      const present = [...expected].filter((id) => seen.has(id)).length;
      if (present > 0 && present < expected.size) {
        r.tornTransactions++;
        if (r.examples.torn.length < CAP) r.examples.torn.push({ txn: name, expected: expected.size, visible: present });
      }
      if (t.state === 'ok' && expected.size > 0 && present === 0) {
        r.lostCommittedTransactions++;
        if (r.examples.lostCommitted.length < CAP) r.examples.lostCommitted.push(name);
      }
    }
    // Output is matched to the input position a transaction read, not to the message id: a producer
    // retry can put one message into the input twice, and each position needs its own output.
    const coveredBy = new Map<string, string[]>();
    const extra = new Map<string, number>();
    for (const [name, t] of this.txns) {
      if (t.state === 'fail') continue;
      const remaining = new Map<number, number>();
      for (const id of this.visible.get(name) ?? []) remaining.set(id, (remaining.get(id) ?? 0) + 1);
      for (const [partition, offset, id] of t.inputs) {
        const left = remaining.get(id) ?? 0;
        if (left === 0) continue;
        remaining.set(id, left - 1);
        const key = `${partition}/${offset}`;
        coveredBy.set(key, [...(coveredBy.get(key) ?? []), name]);
      }
      // Output beyond what the transaction read: written twice within one transaction.
      for (const [id, left] of remaining) {
        const position = t.inputs.find((i) => i[2] === id);
        if (left > 0 && position) extra.set(`${position[0]}/${position[1]}`, (extra.get(`${position[0]}/${position[1]}`) ?? 0) + left);
      }
    }
    const idAt = new Map(this.input.map(([p, o, id]) => [`${p}/${o}`, id]));
    for (const key of new Set([...coveredBy.keys(), ...extra.keys()])) {
      const txns = coveredBy.get(key) ?? [];
      if (txns.length + (extra.get(key) ?? 0) <= 1) continue;
      r.outputDuplicates++;
      const [partition, offset] = key.split('/').map(Number) as [number, number];
      if (r.examples.duplicates.length < CAP) r.examples.duplicates.push({ partition, offset, id: idAt.get(key) ?? -1, txns });
    }
    for (const txn of this.uncommittedTxns) if (this.txns.get(txn)?.state === 'fail') r.abortedRecordsInLog++;
    for (const [partition, offset, id] of this.input) {
      if (offset < (committedInputOffsets.get(partition) ?? -1) && !coveredBy.has(`${partition}/${offset}`)) {
        r.missingOutputs++;
        if (r.examples.missing.length < CAP) r.examples.missing.push({ partition, offset, id });
      }
    }
    return r;
  }
}
