import { describe, expect, it } from 'vitest';
import type { Operation, TxnOp } from '../history/operation.js';
import { TransactionChecker } from './transaction-checker.js';

const OUT = 'out';
let t = 0;
const txn = (name: string, type: TxnOp['type'], inputs?: [number, number, number][]): Operation => ({
  f: 'txn',
  type,
  process: 'worker-1#0',
  time: ++t,
  txn: name,
  ...(inputs ? { inputs } : {}),
});
const output = (isolation: 'committed' | 'uncommitted', ...records: [number, string][]): Operation => ({
  f: 'poll',
  type: 'ok',
  process: -1,
  time: ++t,
  topic: OUT,
  isolation,
  reads: records.map(([id], i): [number, number, number] => [0, i, id]),
  txns: records.map(([, x]) => x),
});
const input = (...records: [number, number, number][]): Operation => ({ f: 'poll', type: 'ok', process: -1, time: ++t, reads: records });

function check(ops: Operation[], committed = new Map<number, number>([[0, 100]])) {
  const c = new TransactionChecker(OUT);
  for (const op of ops) c.add(op);
  return c.result(committed);
}

describe('transaction checker', () => {
  it('a clean pipeline: every committed transaction fully visible once, aborted ones invisible', () => {
    const r = check(
      [
        txn('a', 'invoke', [
          [0, 0, 1],
          [0, 1, 2],
        ]),
        txn('a', 'ok'),
        txn('b', 'invoke', [[0, 2, 3]]),
        txn('b', 'fail'),
        txn('c', 'invoke', [[0, 2, 3]]),
        txn('c', 'ok'),
        output('committed', [1, 'a'], [2, 'a'], [3, 'c']),
        output('uncommitted', [1, 'a'], [2, 'a'], [3, 'b'], [3, 'c']),
        input([0, 0, 1], [0, 1, 2], [0, 2, 3]),
      ],
      new Map([[0, 3]]),
    );
    expect(r).toMatchObject({
      transactions: { committed: 2, aborted: 1, unknown: 0 },
      abortedReads: 0,
      tornTransactions: 0,
      lostCommittedTransactions: 0,
      outputDuplicates: 0,
      missingOutputs: 0,
      abortedRecordsInLog: 1,
    });
  });

  it('an input message that occurs twice in the input may occur twice in the output', () => {
    const r = check(
      [
        txn('a', 'invoke', [
          [0, 0, 7],
          [0, 1, 7],
        ]),
        txn('a', 'ok'),
        output('committed', [7, 'a'], [7, 'a']),
        input([0, 0, 7], [0, 1, 7]),
      ],
      new Map([[0, 2]]),
    );
    expect(r.outputDuplicates).toBe(0);
  });

  it('matches output to the input position read: a message twice in the input needs output for each position', () => {
    // Message 7 is at offsets 0 and 1 (a producer retry). Transaction a read offset 0 and committed
    // its output; b read offset 1 and its outcome is unknown, with no output visible. Offset 1's
    // output is missing, although message 7 is in the output.
    const r = check(
      [
        txn('a', 'invoke', [[0, 0, 7]]),
        txn('a', 'ok'),
        txn('b', 'invoke', [[0, 1, 7]]),
        txn('b', 'info'),
        output('committed', [7, 'a']),
        input([0, 0, 7], [0, 1, 7]),
      ],
      new Map([[0, 2]]),
    );
    expect(r.missingOutputs).toBe(1);
    expect(r.examples.missing).toEqual([{ partition: 0, offset: 1, id: 7 }]);
    expect(r.outputDuplicates).toBe(0);
  });

  it('finds aborted reads, torn and lost transactions, duplicates and missing outputs', () => {
    const r = check(
      [
        txn('aborted', 'invoke', [[0, 0, 1]]),
        txn('aborted', 'fail'),
        txn('torn', 'invoke', [
          [0, 1, 2],
          [0, 2, 3],
        ]),
        txn('torn', 'ok'),
        txn('lost', 'invoke', [[0, 3, 4]]),
        txn('lost', 'ok'),
        txn('dup1', 'invoke', [[0, 4, 5]]),
        txn('dup1', 'ok'),
        txn('dup2', 'invoke', [[0, 4, 5]]),
        txn('dup2', 'info'),
        output('committed', [1, 'aborted'], [2, 'torn'], [5, 'dup1'], [5, 'dup2']),
        input([0, 0, 1], [0, 1, 2], [0, 2, 3], [0, 3, 4], [0, 4, 5], [0, 5, 6]),
      ],
      new Map([[0, 5]]),
    );
    expect(r.abortedReads).toBe(1);
    expect(r.examples.abortedReads).toEqual([{ txn: 'aborted', id: 1 }]);
    expect(r.examples.torn).toEqual([{ txn: 'torn', expected: 2, visible: 1 }]);
    expect(r.examples.lostCommitted).toEqual(['lost']);
    expect(r.examples.duplicates).toEqual([{ partition: 0, offset: 4, id: 5, txns: ['dup1', 'dup2'] }]);
    // Offsets 0 (id 1), 2 (id 3) and 3 (id 4) are below the committed offset 5 with no output of a
    // committed transaction: id 1's output is visible, but from the aborted transaction (an aborted
    // read as well). Offset 5 is not committed yet.
    expect(r.examples.missing.map((m) => m.id)).toEqual([1, 3, 4]);
    expect(r.transactions.unknown).toBe(1);
  });
});
