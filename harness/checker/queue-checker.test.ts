import { describe, expect, it } from 'vitest';
import type { Operation, SendOp } from '../history/operation.js';
import { anomalyOutcomes, violations } from './anomaly-classes.js';
import { PollChecker } from './poll-checker.js';
import { checkHistory, type CheckResult } from './queue-checker.js';

/** The anomaly classes a queue checker's result shows, none allowed. */
function classes(r: CheckResult): string[] {
  return violations(anomalyOutcomes({ queue: r, polls: new PollChecker().result() }, new Set<string>(), {})).map((a) => a.name);
}

let clock = 0;
const t = () => ++clock;
const invoke = (id: number, partition = 0, process = 0): SendOp => ({ f: 'send', type: 'invoke', process, time: t(), id, partition });
const ok = (id: number, partition: number, offset: number | undefined, process = 0): SendOp => ({
  f: 'send',
  type: 'ok',
  process,
  time: t(),
  id,
  partition,
  ...(offset === undefined ? {} : { offset }),
});
const fail = (id: number, partition = 0): SendOp => ({ f: 'send', type: 'fail', process: 0, time: t(), id, partition, error: 'x' });
const info = (id: number, partition = 0): SendOp => ({ f: 'send', type: 'info', process: 0, time: t(), id, partition, error: 'timeout' });
const poll = (...reads: [number, number, number][]): Operation => ({ f: 'poll', type: 'ok', process: 99, time: t(), reads });

describe('queue checker', () => {
  it('an empty history shows no anomaly and counts nothing', async () => {
    const r = await checkHistory([]);
    expect(r.counts).toEqual({ attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, lost: 0, recovered: 0, duplicated: 0, unexpected: 0 });
    expect(classes(r)).toEqual([]);
    expect(r.historyProblems).toEqual([]);
  });

  it('acknowledged and read is fine', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), poll([0, 0, 1], [0, 1, 2])]);
    expect(r.counts).toMatchObject({ attempted: 2, acknowledged: 2, lost: 0 });
    expect(classes(r)).toEqual([]);
    expect(r.partitions).toEqual([{ partition: 0, acknowledged: 2, lost: 0, read: 2, highestOffsetRead: 1 }]);
  });

  it('acknowledged but never read is lost; a later offset read makes it a lost write', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), invoke(3), ok(3, 0, 2), poll([0, 0, 1], [0, 2, 3])]);
    expect(r.counts.lost).toBe(1);
    expect(r.anomalies.lostWrites).toBe(1);
    expect(r.lost).toEqual([{ id: 2, process: 0, partition: 0, offset: 1, ackTime: expect.any(Number), lostWrite: true, overwrittenBy: undefined }]);
    expect(classes(r)).toEqual(['lost', 'lostWrites']);
  });

  it('a lost message past the last offset read is lost but not a lost write', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), poll([0, 0, 1])]);
    expect(r.counts.lost).toBe(1);
    expect(r.anomalies.lostWrites).toBe(0);
    expect(r.lost[0]!.lostWrite).toBe(false);
  });

  it('a truncated and overwritten offset is an inconsistent offset and names what replaced it', async () => {
    // Acked at offset 5 by an old leader; the new leader wrote message 9 at offset 5.
    const r = await checkHistory([invoke(1), ok(1, 0, 5), invoke(9), ok(9, 0, 5), poll([0, 5, 9])]);
    expect(r.counts.lost).toBe(1);
    expect(r.lost[0]).toMatchObject({ id: 1, offset: 5, overwrittenBy: 9 });
    expect(r.anomalies.inconsistentOffsets).toEqual([{ partition: 0, offset: 5, ids: [1, 9] }]);
  });

  it('indeterminate sends: read ones are recovered, unread ones are not lost', async () => {
    const r = await checkHistory([invoke(1), info(1), invoke(2), info(2), invoke(3), poll([0, 0, 1])]);
    expect(r.counts).toMatchObject({ attempted: 3, indeterminate: 3, recovered: 1, lost: 0 });
    expect(classes(r)).toEqual([]);
  });

  it('a message a consumer read that the drain finds nowhere is a lost read, whatever its acknowledgement', async () => {
    const drain = (...reads: [number, number, number][]): Operation => ({ f: 'poll', type: 'ok', process: -1, consumer: 'drain', time: t(), reads });
    // An acks=1 write read below the old leader's high watermark; the new leader wrote 9 at its offset.
    const history = [invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), poll([0, 0, 1], [0, 1, 2]), invoke(9), ok(9, 0, 1), drain([0, 0, 1], [0, 1, 9])];
    const r = await checkHistory(history);
    expect(r.anomalies.lostReads).toEqual([{ id: 2, partition: 0, offset: 1 }]);
    expect(r.anomalyTotals.lostReads).toBe(1);
    // Read, so not lost; the offset holds two messages.
    expect(r.counts.lost).toBe(0);
    const withConsumers = violations(anomalyOutcomes({ queue: r, polls: new PollChecker().result() }, new Set(['consumers']), {})).map((a) => a.name);
    expect(withConsumers).toEqual(['inconsistentOffsets', 'lostReads']);
    // Without a drain nothing says what the log kept; with the message in it, nothing was lost.
    expect((await checkHistory(history.slice(0, -1))).anomalyTotals.lostReads).toBe(0);
    expect((await checkHistory([...history.slice(0, -1), drain([0, 0, 1], [0, 1, 2], [0, 2, 9])])).anomalyTotals.lostReads).toBe(0);
  });

  it('a failed send that is read anyway is flagged', async () => {
    const r = await checkHistory([invoke(1), fail(1), invoke(2), fail(2), poll([0, 0, 1])]);
    expect(r.counts.failed).toBe(2);
    expect(r.anomalies.failedButRead).toEqual([1]);
    expect(classes(r)).toEqual(['failedButRead']);
  });

  it('a message at two offsets is duplicated; the same offset read twice is not', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), poll([0, 0, 1], [0, 1, 2]), poll([0, 0, 1]), poll([0, 2, 1])]);
    expect(r.counts.duplicated).toBe(1);
    expect(r.anomalies.offsetMismatches).toEqual([]);
    expect(r.counts.lost).toBe(0);
  });

  it('values never sent are unexpected', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, 0), poll([0, 0, 1], [0, 1, 77], [0, 2, -1])]);
    expect(r.counts.unexpected).toBe(2);
    expect(r.anomalies.unexpectedValues).toEqual([
      { partition: 0, offset: 1, id: 77 },
      { partition: 0, offset: 2, id: -1 },
    ]);
    expect(classes(r)).toEqual(['unexpected']);
  });

  it('a value read with changed padding is corrupted, once per place however often it is read', async () => {
    const corrupt = (i: number[], ...reads: [number, number, number][]): Operation => ({ f: 'poll', type: 'ok', process: 99, time: t(), reads, corrupt: i });
    const r = await checkHistory([invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), corrupt([1], [0, 0, 1], [0, 1, 2]), corrupt([0], [0, 1, 2])]);
    expect(r.anomalies.corruptedValues).toEqual([{ partition: 0, offset: 1, id: 2 }]);
    expect(r.anomalyTotals.corruptedValues).toBe(1);
    // The id was readable: nothing else is wrong with the message.
    expect(r.counts).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    expect(classes(r)).toEqual(['corruptedValues']);
  });

  it('acks=0 sends have no offset: lost ones are still found', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, undefined), invoke(2), ok(2, 0, undefined), poll([0, 0, 2])]);
    expect(r.counts.lost).toBe(1);
    expect(r.lost[0]).toMatchObject({ id: 1, offset: undefined, lostWrite: true });
  });

  it('messages of one process read in the wrong order are reordered', async () => {
    const r = await checkHistory([invoke(1, 0, 4), ok(1, 0, 3, 4), invoke(2, 0, 4), ok(2, 0, 4, 4), poll([0, 3, 2], [0, 4, 1])]);
    expect(r.anomalies.reordered).toEqual([{ process: 4, partition: 0, before: 1, after: 2 }]);
    expect(r.anomalies.offsetMismatches).toHaveLength(2);
    expect(classes(r)).toEqual(['offsetMismatches', 'inconsistentOffsets', 'reordered']);
  });

  it('reads in another partition than acknowledged count as a mismatch', async () => {
    const r = await checkHistory([invoke(1, 0), ok(1, 0, 0), poll([1, 0, 1])]);
    expect(r.counts.lost).toBe(0);
    expect(r.anomalies.offsetMismatches).toEqual([{ id: 1, partition: 0, acked: 0, read: 0 }]);
  });

  it('nemesis and observer operations are not sends', async () => {
    const r = await checkHistory([
      { f: 'fault', type: 'invoke', process: 'nemesis', time: t(), fault: 'kill', nodes: [1] },
      { f: 'leader', type: 'ok', process: 'observer', time: t(), partition: 0, leader: 2 },
    ]);
    expect(r.counts.attempted).toBe(0);
    expect(r.historyProblems).toEqual([]);
  });

  it('an unsound history is named: an id invoked twice, a completion without invoke, a second completion', async () => {
    const r = await checkHistory([invoke(1, 0, 3), invoke(1, 0, 7), ok(5, 0, 0), ok(1, 0, 0), info(1), fail(1)]);
    expect(r.historyProblems).toEqual([
      'message 1 invoked twice (process 3, then process 7)',
      'message 5 completed (ok) without an invoke',
      'message 1 completed twice (ok, then info)',
      'message 1 completed twice (ok, then fail)',
    ]);
    // ok is final: the later info did not make the send indeterminate.
    expect(r.counts).toMatchObject({ acknowledged: 1, indeterminate: 0 });
  });

  it('two reads that disagree on an offset are inconsistent, whichever comes first', async () => {
    const sends = [invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1), invoke(3), info(3)];
    const forward = await checkHistory([...sends, poll([0, 0, 1], [0, 1, 2]), poll([0, 1, 3])]);
    const backward = await checkHistory([poll([0, 1, 3]), ...sends, poll([0, 0, 1], [0, 1, 2])]);
    for (const r of [forward, backward]) {
      expect(r.anomalies.inconsistentOffsets).toEqual([{ partition: 0, offset: 1, ids: expect.arrayContaining([2, 3]) }]);
      expect(classes(r)).toContain('inconsistentOffsets');
    }
  });

  it('a duplicate read at its acknowledged offset too is a duplicate, not an offset mismatch', async () => {
    const r = await checkHistory([invoke(1), ok(1, 0, 5), poll([0, 2, 1], [0, 5, 1])]);
    expect(r.counts.duplicated).toBe(1);
    expect(r.anomalies.offsetMismatches).toEqual([]);
    expect(classes(r)).toEqual(['duplicated']);
  });

  it('counts each producer separately as well as in total', async () => {
    const a = (id: number, type: 'invoke' | 'ok'): SendOp => ({ ...(type === 'invoke' ? invoke(id) : ok(id, 0, id)), client: 'acks1' });
    const b = (id: number, type: 'invoke' | 'ok'): SendOp => ({ ...(type === 'invoke' ? invoke(id) : ok(id, 0, id)), client: 'acksall' });
    const r = await checkHistory([a(1, 'invoke'), a(1, 'ok'), b(2, 'invoke'), b(2, 'ok'), a(3, 'invoke'), a(3, 'ok'), poll([0, 2, 2], [0, 3, 3])]);
    expect(r.counts).toMatchObject({ attempted: 3, lost: 1 });
    expect(r.byClient.acks1).toMatchObject({ attempted: 2, acknowledged: 2, lost: 1 });
    expect(r.byClient.acksall).toMatchObject({ attempted: 1, acknowledged: 1, lost: 0 });
  });

  it('does not depend on reads coming after the sends they saw (histories of several processes)', async () => {
    const r = await checkHistory([poll([0, 0, 1], [0, 1, 2]), invoke(1), ok(1, 0, 0), invoke(2), ok(2, 0, 1)]);
    expect(r.counts).toMatchObject({ attempted: 2, acknowledged: 2, lost: 0, unexpected: 0 });
  });

  it('caps listed lost messages but counts them all', async () => {
    const ops: Operation[] = [];
    for (let i = 0; i < 50; i++) ops.push(invoke(i), ok(i, 0, i));
    const r = await checkHistory(ops, { maxListed: 10 });
    expect(r.counts.lost).toBe(50);
    expect(r.lost).toHaveLength(10);
  });
});
