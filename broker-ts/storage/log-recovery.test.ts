import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanBatches } from '@kafka-chaos/protocol';
import { LOG_FILE_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX, offsetFileName } from './log-file-names.js';
import type { PartitionLogOptions } from './partition-log.js';
import { appendBatches, logFixture, readAllRecords } from './test-support/log-fixture.js';
import { buildBatch } from './test-support/record-batches.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

const options: PartitionLogOptions = { config: { segmentBytes: 700, indexIntervalBytes: 100 } };

function segmentFile(dir: string, base: bigint, suffix = LOG_FILE_SUFFIX): string {
  return path.join(dir, offsetFileName(base, suffix));
}

function lastSegmentFile(dir: string): string {
  const names = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(LOG_FILE_SUFFIX))
    .sort();
  return path.join(dir, names.at(-1)!);
}

/** Sizes of the whole batches in a segment file. */
function batchSizes(file: string): number[] {
  return scanBatches(fs.readFileSync(file)).batches.map((b) => b.size);
}

function expectRecords(values: string[], batches: number, recordsPerBatch: number): void {
  const expected: string[] = [];
  for (let b = 0; b < batches; b++) for (let r = 0; r < recordsPerBatch; r++) expected.push(`b${b}-r${r}`);
  expect(values).toEqual(expected);
}

/** A log of `batches` batches of 2 records, left as a crash would leave it. */
async function crashedLog(batches: number): Promise<string> {
  const dir = logs.dir();
  const log = await logs.open(options, dir);
  appendBatches(log, batches, 2);
  await log.discard();
  return dir;
}

describe('recovery after a crash', () => {
  it('cuts a torn last batch followed by garbage, keeping every whole batch', async () => {
    const dir = await crashedLog(20);
    const file = lastSegmentFile(dir);
    const sizes = batchSizes(file);
    const wholeBytes = sizes.slice(0, -1).reduce((a, b) => a + b, 0);
    fs.truncateSync(file, wholeBytes + 30);
    fs.appendFileSync(file, Buffer.from('this is not a record batch at all, just garbage bytes'));

    const log = await logs.open(options, dir);
    expect(log.logEndOffset).toBe(38n);
    expect(fs.statSync(file).size).toBe(wholeBytes);
    expectRecords(
      readAllRecords(log).map((r) => r.value!),
      19,
      2,
    );
    expect(log.appendAsLeader(buildBatch({ records: 2 }), 0).baseOffset).toBe(38n);
  });

  it('drops a last batch whose CRC does not match', async () => {
    const dir = await crashedLog(20);
    const file = lastSegmentFile(dir);
    const data = fs.readFileSync(file);
    data[data.length - 3]! ^= 0x5a;
    fs.writeFileSync(file, data);

    const log = await logs.open(options, dir);
    expect(log.logEndOffset).toBe(38n);
    expectRecords(
      readAllRecords(log).map((r) => r.value!),
      19,
      2,
    );
  });

  it('without a recovery point, rereads everything and deletes the segments after a corrupt batch', async () => {
    const dir = await crashedLog(30);
    const log = await logs.open(options, dir);
    const bases = log.segmentBaseOffsets();
    await log.discard();
    expect(bases.length).toBeGreaterThan(3);
    fs.rmSync(path.join(dir, 'recovery-point-offset-checkpoint'));
    const second = segmentFile(dir, bases[1]!);
    const data = fs.readFileSync(second);
    const [firstBatchSize] = batchSizes(second);
    data[firstBatchSize! + 70]! ^= 0xff;
    fs.writeFileSync(second, data);

    const recovered = await logs.open(options, dir);
    expect(recovered.logEndOffset).toBe(bases[1]! + 2n);
    expect(recovered.segmentBaseOffsets()).toEqual(bases.slice(0, 2));
    for (const base of bases.slice(2)) expect(fs.existsSync(segmentFile(dir, base))).toBe(false);
    expect(readAllRecords(recovered)).toHaveLength(Number(bases[1]!) + 2);
  });

  it('ends the log at a segment whose data never reached the disk, deleting the segments after it', async () => {
    const dir = await crashedLog(30);
    const log = await logs.open(options, dir);
    const bases = log.segmentBaseOffsets();
    await log.discard();
    fs.rmSync(path.join(dir, 'recovery-point-offset-checkpoint'));
    fs.truncateSync(segmentFile(dir, bases[2]!), 0);

    const recovered = await logs.open(options, dir);
    expect(recovered.logEndOffset).toBe(bases[2]!);
    expect(recovered.segmentBaseOffsets()).toEqual(bases.slice(0, 3));
    expect(readAllRecords(recovered)).toHaveLength(Number(bases[2]!));
  });

  it('loses nothing that was fully written', async () => {
    const dir = await crashedLog(25);
    const log = await logs.open(options, dir);
    expect(log.logEndOffset).toBe(50n);
    expectRecords(
      readAllRecords(log, 0n, 150).map((r) => r.value!),
      25,
      2,
    );
  });
});

describe('index repair', () => {
  it('rebuilds deleted index files identically, after a clean or an unclean shutdown', async () => {
    const dir = logs.dir();
    const log = await logs.open(options, dir);
    appendBatches(log, 30, 2);
    await log.close();
    const indexNames = fs.readdirSync(dir).filter((n) => n.endsWith(OFFSET_INDEX_SUFFIX) || n.endsWith(TIME_INDEX_SUFFIX));
    const original = new Map(indexNames.map((name) => [name, fs.readFileSync(path.join(dir, name))]));
    expect([...original.values()].some((content) => content.length > 0)).toBe(true);

    for (const clean of [true, false]) {
      for (const name of indexNames) fs.rmSync(path.join(dir, name));
      if (!clean) fs.rmSync(path.join(dir, '.clean-shutdown'));
      const reopened = await logs.open(options, dir);
      for (const [name, content] of original) expect(fs.readFileSync(path.join(dir, name)).equals(content)).toBe(true);
      expectRecords(
        readAllRecords(reopened, 0n, 120).map((r) => r.value!),
        30,
        2,
      );
      await reopened.close();
    }
  });

  it('repairs a stale index longer than its log', async () => {
    const dir = logs.dir();
    const log = await logs.open({ config: { indexIntervalBytes: 100 } }, dir);
    appendBatches(log, 30, 2);
    await log.close();
    const indexFile = segmentFile(dir, 0n, OFFSET_INDEX_SUFFIX);
    const timeIndexFile = segmentFile(dir, 0n, TIME_INDEX_SUFFIX);
    const longIndex = fs.readFileSync(indexFile);
    const longTimeIndex = fs.readFileSync(timeIndexFile);

    for (const clean of [true, false]) {
      const shortened = await logs.open({ config: { indexIntervalBytes: 100 } }, dir);
      shortened.truncateTo(20n);
      await shortened.close();
      fs.writeFileSync(indexFile, longIndex);
      fs.writeFileSync(timeIndexFile, longTimeIndex);
      if (!clean) fs.rmSync(path.join(dir, '.clean-shutdown'));

      const reopened = await logs.open({ config: { indexIntervalBytes: 100 } }, dir);
      expect(reopened.logEndOffset).toBe(20n);
      expect(fs.statSync(indexFile).size).toBeLessThan(longIndex.length);
      for (let offset = 0n; offset < 20n; offset++) expect(reopened.read(offset, 1, { minOneBatch: true }).length).toBeGreaterThan(0);
      // Every batch carries the same two timestamps: the first record with the larger one wins.
      expect(reopened.offsetForTimestamp(-3n)?.offset).toBe(1n);
      expect(reopened.appendAsLeader(buildBatch({ records: 1 }), 0).baseOffset).toBe(20n);
      expect(reopened.read(20n, 1000).length).toBeGreaterThan(0);
      reopened.truncateTo(20n);
      await reopened.close();
    }
  });

  it('keeps index entries in memory until a flush, and rebuilds the ones a crash kept from the files', async () => {
    const single = { config: { indexIntervalBytes: 100 } };
    const cleanDir = logs.dir();
    const closedCleanly = await logs.open(single, cleanDir);
    appendBatches(closedCleanly, 30, 2);
    await closedCleanly.close();
    const expected = fs.readFileSync(segmentFile(cleanDir, 0n, OFFSET_INDEX_SUFFIX));
    expect(expected.length).toBeGreaterThan(0);

    const dir = logs.dir();
    const log = await logs.open(single, dir);
    appendBatches(log, 30, 2);
    expect(fs.statSync(segmentFile(dir, 0n, OFFSET_INDEX_SUFFIX)).size).toBe(0);
    await log.discard();

    const reopened = await logs.open(single, dir);
    expect(fs.readFileSync(segmentFile(dir, 0n, OFFSET_INDEX_SUFFIX)).equals(expected)).toBe(true);
    for (let offset = 0n; offset < 60n; offset++) expect(reopened.read(offset, 1, { minOneBatch: true }).length).toBeGreaterThan(0);
    appendBatches(reopened, 5, 2);
    await reopened.flush();
    expect(fs.statSync(segmentFile(dir, 0n, OFFSET_INDEX_SUFFIX)).size).toBeGreaterThan(expected.length);
  });

  it('rebuilds an index file with a torn last entry', async () => {
    const dir = logs.dir();
    const log = await logs.open(options, dir);
    appendBatches(log, 10, 2);
    await log.close();
    const indexFile = segmentFile(dir, 0n, OFFSET_INDEX_SUFFIX);
    const good = fs.readFileSync(indexFile);
    fs.writeFileSync(indexFile, Buffer.concat([good, Buffer.from([1, 2, 3])]));
    const reopened = await logs.open(options, dir);
    expect(fs.readFileSync(indexFile).equals(good)).toBe(true);
    expect(reopened.logEndOffset).toBe(20n);
  });
});

describe('state restored on open', () => {
  it('skips recovery after a clean close and removes the marker', async () => {
    const dir = logs.dir();
    const log = await logs.open(options, dir);
    appendBatches(log, 12, 2, 5);
    await log.deleteRecordsBefore(3n);
    await log.close();
    expect(fs.existsSync(path.join(dir, '.clean-shutdown'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\n24\n');

    const reopened = await logs.open(options, dir);
    expect(fs.existsSync(path.join(dir, '.clean-shutdown'))).toBe(false);
    expect(reopened.recoveryPoint).toBe(24n);
    expect(reopened.logStartOffset).toBe(3n);
    expect(reopened.logEndOffset).toBe(24n);
    expect(reopened.epochEntries()).toEqual([{ epoch: 5, startOffset: 3n }]);
  });

  it('keeps the leader epoch cache in its checkpoint, and rebuilds it from the batches without one', async () => {
    const dir = logs.dir();
    const log = await logs.open(options, dir);
    appendBatches(log, 5, 2, 1);
    appendBatches(log, 5, 2, 4);
    appendBatches(log, 5, 2, 6);
    await log.close();
    const expected = [
      { epoch: 1, startOffset: 0n },
      { epoch: 4, startOffset: 10n },
      { epoch: 6, startOffset: 20n },
    ];
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n3\n1 0\n4 10\n6 20\n');

    fs.rmSync(path.join(dir, 'leader-epoch-checkpoint'));
    const rebuilt = await logs.open(options, dir);
    expect(rebuilt.epochEntries()).toEqual(expected);
    expect(rebuilt.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 20n });
    await rebuilt.discard();
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n3\n1 0\n4 10\n6 20\n');
  });

  it('drops epoch entries beyond a torn tail', async () => {
    const dir = logs.dir();
    const log = await logs.open(options, dir);
    appendBatches(log, 5, 2, 1);
    appendBatches(log, 1, 2, 2);
    await log.discard();
    const file = lastSegmentFile(dir);
    fs.truncateSync(file, fs.statSync(file).size - 5);
    const reopened = await logs.open(options, dir);
    expect(reopened.logEndOffset).toBe(10n);
    expect(reopened.epochEntries()).toEqual([{ epoch: 1, startOffset: 0n }]);
  });
});
