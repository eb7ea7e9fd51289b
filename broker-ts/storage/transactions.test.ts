import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlRecordType, encodeTransactionMarkerBatch } from '@kafka-chaos/protocol';
import { InvalidProducerEpochError } from './errors.js';
import { ABORTED_TXNS_CHECKPOINT } from './log-file-names.js';
import { logFixture } from './test-support/log-fixture.js';
import { buildBatch } from './test-support/record-batches.js';
import type { PartitionLog } from './partition-log.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

function txnBatch(producerId: bigint, baseSequence: number, records = 2, producerEpoch = 0): Buffer {
  return buildBatch({ records, producerId, producerEpoch, baseSequence, transactional: true });
}

function marker(log: PartitionLog, producerId: bigint, type: ControlRecordType, producerEpoch = 0): bigint {
  return log.appendAsLeader(encodeTransactionMarkerBatch({ type, coordinatorEpoch: 0 }, { producerId, producerEpoch }), 0, { origin: 'coordinator' })
    .baseOffset;
}

describe('transactions in a partition log', () => {
  it('holds the last stable offset at the first open transaction until its marker is below the high watermark', async () => {
    const log = await logs.open();
    log.appendAsLeader(buildBatch({ records: 3 }), 0);
    log.appendAsLeader(txnBatch(7n, 0), 0); // offsets 3-4
    log.appendAsLeader(buildBatch({ records: 1 }), 0); // 5
    expect(log.firstUnstableOffset(log.logEndOffset)).toBe(3n);
    expect(log.producerState(7n)?.currentTxnFirstOffset).toBe(3n);

    const at = marker(log, 7n, ControlRecordType.Commit);
    expect(at).toBe(6n);
    expect(log.producerState(7n)?.currentTxnFirstOffset).toBeUndefined();
    // The marker is appended but not replicated: the transaction still holds the LSO.
    expect(log.firstUnstableOffset(6n)).toBe(3n);
    expect(log.firstUnstableOffset(7n)).toBeUndefined();
    expect(log.abortedTransactions(0n, 7n)).toEqual([]);
  });

  it('lists aborted transactions overlapping a fetched range, and forgets them below the log start', async () => {
    const log = await logs.open();
    log.appendAsLeader(txnBatch(1n, 0), 0); // 0-1
    log.appendAsLeader(txnBatch(2n, 0), 0); // 2-3
    marker(log, 1n, ControlRecordType.Abort); // 4
    log.appendAsLeader(txnBatch(2n, 2), 0); // 5-6
    marker(log, 2n, ControlRecordType.Commit); // 7
    log.appendAsLeader(txnBatch(1n, 2), 0); // 8-9
    marker(log, 1n, ControlRecordType.Abort); // 10

    expect(log.abortedTransactions(0n, 11n)).toEqual([
      { producerId: 1n, firstOffset: 0n, lastOffset: 4n },
      { producerId: 1n, firstOffset: 8n, lastOffset: 10n },
    ]);
    expect(log.abortedTransactions(5n, 8n)).toEqual([]);
    expect(log.abortedTransactions(3n, 5n)).toEqual([{ producerId: 1n, firstOffset: 0n, lastOffset: 4n }]);
    await log.deleteRecordsBefore(5n);
    expect(log.abortedTransactions(0n, 11n).map((t) => t.firstOffset)).toEqual([8n]);
  });

  it('rebuilds open and aborted transactions from the log after a crash and after truncation', async () => {
    const dir = logs.dir();
    const log = await logs.open({}, dir);
    log.appendAsLeader(txnBatch(1n, 0), 0); // 0-1
    marker(log, 1n, ControlRecordType.Abort); // 2
    log.appendAsLeader(txnBatch(3n, 0), 0); // 3-4
    log.appendAsLeader(txnBatch(5n, 0), 0); // 5-6
    marker(log, 5n, ControlRecordType.Abort); // 7
    await log.flush();
    log.closeHandles(); // a crash: no snapshot, no clean shutdown marker

    const reopened = await logs.open({}, dir);
    expect(reopened.firstUnstableOffset(reopened.logEndOffset + 1n)).toBe(3n);
    expect(reopened.abortedTransactions(0n, 8n).map((t) => [t.producerId, t.firstOffset, t.lastOffset])).toEqual([
      [1n, 0n, 2n],
      [5n, 5n, 7n],
    ]);

    // A follower whose suffix diverged drops it (the batch straddling offset 6 too), and with it the second transaction.
    reopened.truncateTo(6n);
    expect(reopened.logEndOffset).toBe(5n);
    expect(reopened.abortedTransactions(0n, 8n).map((t) => t.producerId)).toEqual([1n]);
    expect(reopened.firstUnstableOffset(5n)).toBe(3n);
    expect(reopened.producerState(5n)).toBeUndefined();
  });

  it('keeps aborted transactions across a clean close without reading the log again', async () => {
    const dir = logs.dir();
    const log = await logs.open({}, dir);
    log.appendAsLeader(txnBatch(1n, 0), 0); // 0-1
    marker(log, 1n, ControlRecordType.Abort); // 2
    log.appendAsLeader(txnBatch(2n, 0), 0); // 3-4, left open
    await log.close();
    expect(fs.existsSync(path.join(dir, ABORTED_TXNS_CHECKPOINT))).toBe(true);

    const reopened = await logs.open({}, dir);
    expect(reopened.abortedTransactions(0n, 5n)).toEqual([{ producerId: 1n, firstOffset: 0n, lastOffset: 2n }]);
    // The open transaction comes back from the producer snapshot.
    expect(reopened.firstUnstableOffset(5n)).toBe(3n);
    // Appends make the checkpoint stale, so the open removed it.
    expect(fs.existsSync(path.join(dir, ABORTED_TXNS_CHECKPOINT))).toBe(false);
  });

  it('replicates transactions: a follower tracks them from the leader batches, markers included', async () => {
    const leader = await logs.open();
    const follower = await logs.open();
    leader.appendAsLeader(txnBatch(9n, 0), 3);
    marker(leader, 9n, ControlRecordType.Abort);
    leader.appendAsLeader(txnBatch(9n, 2), 3);
    while (follower.logEndOffset < leader.logEndOffset) follower.appendAsFollower(leader.read(follower.logEndOffset, 1 << 20));
    expect(follower.abortedTransactions(0n, 10n)).toEqual([{ producerId: 9n, firstOffset: 0n, lastOffset: 2n }]);
    expect(follower.producerState(9n)?.currentTxnFirstOffset).toBe(3n);
  });

  it('fences a producer once a marker of a newer epoch is written (the coordinator bumped it)', async () => {
    const log = await logs.open();
    log.appendAsLeader(txnBatch(4n, 0, 1, 0), 0);
    marker(log, 4n, ControlRecordType.Abort, 1);
    expect(() => log.appendAsLeader(txnBatch(4n, 1, 1, 0), 0)).toThrow(InvalidProducerEpochError);
    expect(log.firstUnstableOffset(log.logEndOffset + 1n)).toBeUndefined();
  });
});
