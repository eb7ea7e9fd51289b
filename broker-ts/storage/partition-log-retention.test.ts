// Retention as Kafka's UnifiedLog.deleteOldSegments applies it: whole segments from the oldest,
// by size then by age, never one reaching past the high watermark.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogConfig } from './log-config.js';
import type { PartitionLog } from './partition-log.js';
import { logFixture, readAllRecords } from './test-support/log-fixture.js';
import { buildBatch } from './test-support/record-batches.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

/** A log of 600-byte segments (three 3-record batches each) and a clock that stands at NOW. */
function openLog(config: Partial<LogConfig> = {}, dir?: string): Promise<PartitionLog> {
  return logs.open({ config: { segmentBytes: 600, segmentMs: Infinity, ...config }, now: () => NOW }, dir);
}

/** `count` batches of three records, all stamped `agoMs` before NOW. */
function appendAged(log: PartitionLog, count: number, agoMs: number): void {
  for (let b = 0; b < count; b++) {
    const records = [0, 1, 2].map((r) => ({ value: `b${b}-r${r}`, timestamp: BigInt(NOW - agoMs) }));
    log.appendAsLeader(buildBatch({ records }), 0);
  }
}

function logFiles(log: PartitionLog): string[] {
  return fs.readdirSync(log.dir).filter((name) => name.endsWith('.log'));
}

describe('retention.ms', () => {
  it('deletes the oldest segments whose newest record is older than retention.ms, up to the first newer one', async () => {
    const log = await openLog({ retentionMs: HOUR });
    appendAged(log, 10, 2 * HOUR);
    appendAged(log, 10, 0);
    const bases = log.segmentBaseOffsets();
    // The segment where old records end holds new ones too: it stays, and so does every later one.
    const firstWithNew = bases.findLastIndex((base) => base <= 30n);
    expect(firstWithNew).toBeGreaterThan(0);

    expect(await log.deleteOldSegments(log.logEndOffset)).toBe(firstWithNew);
    expect(log.segmentBaseOffsets()).toEqual(bases.slice(firstWithNew));
    expect(log.logStartOffset).toBe(bases[firstWithNew]);
    expect(logFiles(log)).toHaveLength(bases.length - firstWithNew);
    expect(fs.readFileSync(path.join(log.dir, 'log-start-offset-checkpoint'), 'utf8')).toBe(`0\n1\n${bases[firstWithNew]}\n`);
    expect(await log.deleteOldSegments(log.logEndOffset)).toBe(0);
  });

  it('keeps segments that reach past the high watermark', async () => {
    const log = await openLog({ retentionMs: HOUR });
    appendAged(log, 20, 2 * HOUR);
    const bases = log.segmentBaseOffsets();
    // The high watermark inside the third segment: the first two end below it.
    const highWatermark = bases[2]! + 1n;

    expect(await log.deleteOldSegments(highWatermark)).toBe(2);
    expect(log.logStartOffset).toBe(bases[2]);
  });

  it('deletes every segment when all are too old, rolling an empty one at the log end first', async () => {
    const dir = logs.dir();
    const log = await openLog({ retentionMs: HOUR }, dir);
    appendAged(log, 10, 2 * HOUR);
    const end = log.logEndOffset;
    const count = log.segmentBaseOffsets().length;

    expect(await log.deleteOldSegments(end)).toBe(count);
    expect(log.logStartOffset).toBe(end);
    expect(log.segmentBaseOffsets()).toEqual([end]);
    expect(logFiles(log)).toEqual([`${String(end).padStart(20, '0')}.log`]);
    // An empty active segment is never deleted, and the log goes on where it ended.
    expect(await log.deleteOldSegments(end)).toBe(0);
    appendAged(log, 1, 0);
    expect(readAllRecords(log).map((r) => r.offset)).toEqual([end, end + 1n, end + 2n]);

    await log.discard();
    const reopened = await openLog({ retentionMs: HOUR }, dir);
    expect(reopened.logStartOffset).toBe(end);
    expect(reopened.logEndOffset).toBe(end + 3n);
  });

  it('keeps everything with retention.ms -1, or a cleanup.policy without delete', async () => {
    for (const config of [{ retentionMs: -1 }, { retentionMs: HOUR, deletePolicy: false }]) {
      const log = await openLog(config);
      appendAged(log, 10, 1000 * HOUR);
      const bases = log.segmentBaseOffsets();
      expect(await log.deleteOldSegments(log.logEndOffset)).toBe(0);
      expect(log.segmentBaseOffsets()).toEqual(bases);
      expect(log.logStartOffset).toBe(0n);
    }
  });

  it('takes a changed retention.ms at the next check', async () => {
    const log = await openLog({ retentionMs: 3 * HOUR });
    appendAged(log, 10, 2 * HOUR);
    expect(await log.deleteOldSegments(log.logEndOffset)).toBe(0);
    log.updateConfig({ retentionMs: HOUR });
    expect(await log.deleteOldSegments(log.logEndOffset)).toBeGreaterThan(0);
    expect(log.logStartOffset).toBe(log.logEndOffset);
  });
});

describe('retention.bytes', () => {
  it('deletes the oldest segments while the log without them is still at least retention.bytes', async () => {
    const log = await openLog({ retentionBytes: 1000 });
    appendAged(log, 30, 0);
    const bases = log.segmentBaseOffsets();
    const sizeBefore = log.size;
    expect(sizeBefore).toBeGreaterThan(2000);

    const deleted = await log.deleteOldSegments(log.logEndOffset);
    expect(deleted).toBeGreaterThan(0);
    expect(log.segmentBaseOffsets()).toEqual(bases.slice(deleted));
    expect(log.logStartOffset).toBe(bases[deleted]);
    // What is left is at least the limit, and less than a segment over it: one more would go below.
    expect(log.size).toBeGreaterThanOrEqual(1000);
    expect(log.size).toBeLessThan(1000 + 600);
    expect(await log.deleteOldSegments(log.logEndOffset)).toBe(0);
  });

  it('keeps everything with retention.bytes -1', async () => {
    const log = await openLog({ retentionBytes: -1 });
    appendAged(log, 20, 0);
    expect(await log.deleteOldSegments(log.logEndOffset)).toBe(0);
    expect(log.logStartOffset).toBe(0n);
  });
});
