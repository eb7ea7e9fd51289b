import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OffsetOutOfRangeError, UnexpectedAppendOffsetError } from './errors.js';
import { ListOffsetsTimestamp } from './partition-log.js';
import type { PartitionLog } from './partition-log.js';
import { appendBatches, logFixture, readAllRecords } from './test-support/log-fixture.js';
import { buildBatch, decodeRecords } from './test-support/record-batches.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

/** Batch b holds 3 records stamped 1000 + 10b, +3 and +6. */
function appendTimedBatches(log: PartitionLog, count: number, epoch = 0, compression: 'none' | 'gzip' = 'none'): void {
  for (let b = 0; b < count; b++) {
    const records = [0, 1, 2].map((r) => ({ value: `b${b}-r${r}`, timestamp: BigInt(1000 + 10 * b + 3 * r) }));
    log.appendAsLeader(buildBatch({ records, compression }), epoch);
  }
}

describe('offsets by timestamp', () => {
  it('finds the first record at or after a timestamp, across segments', async () => {
    const log = await logs.open({ config: { segmentBytes: 600, indexIntervalBytes: 100 } });
    appendTimedBatches(log, 20, 4);
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(3);

    expect(log.offsetForTimestamp(0n)).toEqual({ timestamp: 1000n, offset: 0n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(1000n)).toEqual({ timestamp: 1000n, offset: 0n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(1004n)).toEqual({ timestamp: 1006n, offset: 2n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(1007n)).toEqual({ timestamp: 1010n, offset: 3n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(1134n)).toEqual({ timestamp: 1136n, offset: 41n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(1196n)).toEqual({ timestamp: 1196n, offset: 59n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(1197n)).toBeUndefined();
    for (let ts = 1000; ts <= 1196; ts++) {
      const expected = readAllRecords(log).find((r) => r.timestamp >= BigInt(ts))!;
      expect(log.offsetForTimestamp(BigInt(ts))?.offset).toBe(expected.offset);
    }
  });

  it('reads timestamps inside gzip batches', async () => {
    const log = await logs.open();
    appendTimedBatches(log, 3, 0, 'gzip');
    expect(log.offsetForTimestamp(1014n)).toEqual({ timestamp: 1016n, offset: 5n, leaderEpoch: 0 });
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.maxTimestamp)).toEqual({ timestamp: 1026n, offset: 8n, leaderEpoch: 0 });
  });

  it('answers the special timestamps', async () => {
    const log = await logs.open({ config: { segmentBytes: 600 } });
    appendTimedBatches(log, 10, 2);
    log.appendAsLeader(
      buildBatch({
        records: [
          { value: 'late', timestamp: 9000n },
          { value: 'early', timestamp: 500n },
        ],
      }),
      3,
    );
    appendTimedBatches(log, 5, 3);
    await log.deleteRecordsBefore(4n);

    expect(log.offsetForTimestamp(ListOffsetsTimestamp.earliest)).toEqual({ timestamp: -1n, offset: 4n, leaderEpoch: 2 });
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.latest)).toEqual({ timestamp: -1n, offset: 47n, leaderEpoch: 3 });
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.latest, { maxOffset: 40n })?.offset).toBe(40n);
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.maxTimestamp)).toEqual({ timestamp: 9000n, offset: 30n, leaderEpoch: 3 });
    expect(log.offsetForTimestamp(ListOffsetsTimestamp.maxTimestamp, { maxOffset: 30n })).toBeUndefined();
    // Offsets below the log start are never answers.
    expect(log.offsetForTimestamp(0n)?.offset).toBe(4n);
    expect(log.offsetForTimestamp(1100n, { maxOffset: 31n })).toEqual({ timestamp: 9000n, offset: 30n, leaderEpoch: 3 });
    expect(log.offsetForTimestamp(1100n, { maxOffset: 30n })).toBeUndefined();
  });

  it('still finds timestamps after a clean and after an unclean reopen', async () => {
    const dir = logs.dir();
    const log = await logs.open({ config: { segmentBytes: 600, indexIntervalBytes: 100 } }, dir);
    appendTimedBatches(log, 20);
    await log.close();
    const clean = await logs.open({ config: { segmentBytes: 600, indexIntervalBytes: 100 } }, dir);
    expect(clean.offsetForTimestamp(1134n)?.offset).toBe(41n);
    expect(clean.offsetForTimestamp(ListOffsetsTimestamp.maxTimestamp)?.offset).toBe(59n);
    await clean.discard();
    const unclean = await logs.open({ config: { segmentBytes: 600, indexIntervalBytes: 100 } }, dir);
    expect(unclean.offsetForTimestamp(1134n)?.offset).toBe(41n);
    expect(unclean.offsetForTimestamp(ListOffsetsTimestamp.maxTimestamp)?.offset).toBe(59n);
  });
});

describe('deleteRecordsBefore', () => {
  it('moves the log start, deletes whole segments below it and checkpoints it', async () => {
    const dir = logs.dir();
    const log = await logs.open({ config: { segmentBytes: 600 } }, dir);
    appendBatches(log, 30, 3, 1);
    const bases = log.segmentBaseOffsets();
    const target = bases[2]! + 4n;

    expect(await log.deleteRecordsBefore(target)).toBe(target);
    expect(log.logStartOffset).toBe(target);
    expect(log.segmentBaseOffsets()).toEqual(bases.slice(2));
    const logFiles = fs.readdirSync(dir).filter((name) => name.endsWith('.log'));
    expect(logFiles).toHaveLength(bases.length - 2);
    expect(fs.readFileSync(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe(`0\n1\n${target}\n`);
    expect(() => log.read(target - 1n, 1000)).toThrow(OffsetOutOfRangeError);
    expect(decodeRecords(log.read(target, 1000)).some((r) => r.offset === target)).toBe(true);
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: target }]);
    expect(await log.deleteRecordsBefore(target - 2n)).toBe(target);
    await expect(log.deleteRecordsBefore(log.logEndOffset + 1n)).rejects.toThrow(OffsetOutOfRangeError);

    await log.discard();
    const reopened = await logs.open({ config: { segmentBytes: 600 } }, dir);
    expect(reopened.logStartOffset).toBe(target);
    expect(reopened.logEndOffset).toBe(90n);
    expect(readAllRecords(reopened)[0]!.offset).toBe(target);
  });
});

describe('truncation', () => {
  async function threeEpochLog(dir?: string): Promise<PartitionLog> {
    const log = await logs.open({ config: { segmentBytes: 500 } }, dir);
    appendBatches(log, 10, 2, 1);
    appendBatches(log, 10, 2, 2, 10);
    appendBatches(log, 10, 2, 3, 20);
    return log;
  }

  it('truncates across segments together with the leader epoch cache', async () => {
    const log = await threeEpochLog();
    const segmentsBefore = log.segmentBaseOffsets();
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 40n });

    expect(log.truncateTo(30n)).toBe(true);
    expect(log.logEndOffset).toBe(30n);
    expect(log.segmentBaseOffsets()).toEqual(segmentsBefore.filter((base) => base <= 30n));
    expect(log.recoveryPoint).toBeLessThanOrEqual(30n);
    expect(log.epochEntries()).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 20n },
    ]);
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 30n });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 20n });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: -1, endOffset: -1n });
    expect(
      readAllRecords(log)
        .map((r) => r.value)
        .at(-1),
    ).toBe('b14-r1');
    for (const base of segmentsBefore.filter((b) => b > 30n)) {
      expect(fs.existsSync(path.join(log.dir, `${base.toString().padStart(20, '0')}.log`))).toBe(false);
    }

    const appended = log.appendAsLeader(buildBatch({ records: 2 }), 4);
    expect(appended.baseOffset).toBe(30n);
    expect(log.epochEntries().at(-1)).toEqual({ epoch: 4, startOffset: 30n });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 30n });
  });

  it('removes a batch the target offset falls inside, and does nothing at or past the end', async () => {
    const log = await threeEpochLog();
    expect(log.truncateTo(31n)).toBe(true);
    expect(log.logEndOffset).toBe(30n);
    expect(log.truncateTo(30n)).toBe(false);
    log.assignEpochStartOffset(9, 30n);
    expect(log.latestEpoch).toBe(9);
    // A leader that never appended in its epoch leaves no trace once truncated to its end.
    expect(log.truncateTo(45n)).toBe(false);
    expect(log.latestEpoch).toBe(2);
  });

  it('keeps the truncated state after a reopen', async () => {
    const dir = logs.dir();
    const log = await threeEpochLog(dir);
    log.truncateTo(26n);
    await log.discard();
    const reopened = await logs.open({ config: { segmentBytes: 500 } }, dir);
    expect(reopened.logEndOffset).toBe(26n);
    expect(reopened.epochEntries()).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 20n },
    ]);
    expect(readAllRecords(reopened)).toHaveLength(26);
  });

  it('starts over at any offset with truncateFullyAndStartAt', async () => {
    const log = await threeEpochLog();
    log.truncateFullyAndStartAt(1000n);
    expect(log.logStartOffset).toBe(1000n);
    expect(log.logEndOffset).toBe(1000n);
    expect(log.epochEntries()).toEqual([]);
    expect(fs.readdirSync(log.dir).filter((name) => name.endsWith('.log'))).toEqual(['00000000000000001000.log']);
    expect(log.appendAsFollower(buildBatch({ baseOffset: 1000n, records: 2, partitionLeaderEpoch: 7 })).lastOffset).toBe(1001n);
    expect(log.epochEntries()).toEqual([{ epoch: 7, startOffset: 1000n }]);
    expect(() => log.read(999n, 100)).toThrow(OffsetOutOfRangeError);
    expect(log.truncateTo(500n)).toBe(true);
    expect(log.logEndOffset).toBe(500n);
  });

  it("takes the leader's whole batch when it starts empty inside it (the leader's log start is mid-batch)", async () => {
    const log = await logs.open();
    log.truncateFullyAndStartAt(15n);
    const straddling = buildBatch({ baseOffset: 10n, records: 10, partitionLeaderEpoch: 3 });
    expect(log.appendAsFollower(straddling)).toMatchObject({ firstOffset: 10n, lastOffset: 19n });
    expect(log.logStartOffset).toBe(15n);
    expect(log.logEndOffset).toBe(20n);
    expect(log.segmentBaseOffsets()).toEqual([10n]);
    expect(readAllRecords(log).map((r) => r.offset)).toEqual([15n, 16n, 17n, 18n, 19n]);
    // A log with records is never restarted this way: a gap or overlap is still refused.
    expect(() => log.appendAsFollower(buildBatch({ baseOffset: 18n, records: 4, partitionLeaderEpoch: 3 }))).toThrow(UnexpectedAppendOffsetError);
  });
});
