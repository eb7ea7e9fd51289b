import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBatchHeader, scanBatches, validateBatch } from '@kafka-chaos/protocol';
import {
  CorruptRecordError,
  InvalidRecordError,
  OffsetOutOfRangeError,
  RecordListTooLargeError,
  RecordTooLargeError,
  UnexpectedAppendOffsetError,
} from './errors.js';
import { appendBatches, logFixture, readAllRecords } from './test-support/log-fixture.js';
import { batchBaseOffsets, buildBatch, decodeRecords } from './test-support/record-batches.js';

const logs = logFixture();
afterEach(() => logs.cleanup());
const openLog = logs.open;

describe('appending and reading', () => {
  it('round-trips records across segment rolls', async () => {
    const log = await openLog({ config: { segmentBytes: 600 } });
    appendBatches(log, 30);

    expect(log.logEndOffset).toBe(90n);
    const segmentFiles = fs
      .readdirSync(log.dir)
      .filter((name) => name.endsWith('.log'))
      .sort();
    expect(segmentFiles.length).toBeGreaterThan(3);
    expect(segmentFiles[0]).toBe('00000000000000000000.log');
    expect(segmentFiles.map((name) => BigInt(name.slice(0, 20)))).toEqual(log.segmentBaseOffsets());
    for (const name of segmentFiles) expect(fs.statSync(path.join(log.dir, name)).size).toBeLessThanOrEqual(600);

    const records = readAllRecords(log, 0n, 100);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 90 }, (_, i) => BigInt(i)));
    expect(records.map((r) => r.value)).toEqual(Array.from({ length: 90 }, (_, i) => `b${Math.floor(i / 3)}-r${i % 3}`));
  });

  it('rolls when log.roll.ms separates the first batch of a segment from a new one', async () => {
    const log = await openLog({ config: { segmentMs: 60_000 } });
    const at = (seconds: number) => buildBatch({ records: [{ value: `t${seconds}`, timestamp: 1_700_000_000_000n + BigInt(seconds * 1000) }] });
    log.appendAsLeader(at(0), 0);
    log.appendAsLeader(at(59), 0);
    expect(log.segmentBaseOffsets()).toEqual([0n]);
    log.appendAsLeader(at(61), 0);
    log.appendAsLeader(at(100), 0);
    expect(log.segmentBaseOffsets()).toEqual([0n, 2n]);
  });

  it('assigns offsets from the log end and stamps the leader epoch, leaving the caller buffer alone', async () => {
    const log = await openLog();
    const first = log.appendAsLeader(buildBatch({ records: 2 }), 7);
    const input = Buffer.concat([buildBatch({ records: 3 }), buildBatch({ records: 1 })]);
    const copy = Buffer.from(input);
    const second = log.appendAsLeader(input, 7);

    expect(first).toMatchObject({ baseOffset: 0n, lastOffset: 1n, logAppendTime: -1n, logStartOffset: 0n, recordCount: 2, duplicate: false });
    expect(second).toMatchObject({ baseOffset: 2n, lastOffset: 5n, recordCount: 4 });
    expect(input.equals(copy)).toBe(true);
    const stored = log.read(0n, 1 << 20);
    const headers = scanBatches(stored).batches.map((b) => b.header);
    expect(headers.map((h) => [h.baseOffset, h.partitionLeaderEpoch])).toEqual([
      [0n, 7],
      [2n, 7],
      [5n, 7],
    ]);
    expect(log.epochEntries()).toEqual([{ epoch: 7, startOffset: 0n }]);
  });

  it('returns the whole batch when the fetch offset is in its middle', async () => {
    const log = await openLog();
    appendBatches(log, 3, 5);
    const bytes = log.read(7n, 1 << 20);
    expect(batchBaseOffsets(bytes)).toEqual([5n, 10n]);
    expect(decodeRecords(bytes)[0]!.offset).toBe(5n);
  });

  it('honours maxBytes with whole batches, and minOneBatch for an oversized first batch', async () => {
    const log = await openLog();
    appendBatches(log, 4, 3);
    const batchSize = readBatchHeader(log.read(0n, 1 << 20)).batchLength + 12;

    expect(log.read(0n, batchSize - 1).length).toBe(0);
    expect(batchBaseOffsets(log.read(0n, batchSize - 1, { minOneBatch: true }))).toEqual([0n]);
    expect(batchBaseOffsets(log.read(0n, Math.floor(batchSize * 2.5)))).toEqual([0n, 3n]);
    expect(batchBaseOffsets(log.read(4n, Math.floor(batchSize * 2.5), { minOneBatch: true }))).toEqual([3n, 6n]);
  });

  it('stops before the batch reaching maxOffset', async () => {
    const log = await openLog();
    appendBatches(log, 4, 3);
    expect(batchBaseOffsets(log.read(0n, 1 << 20, { maxOffset: 6n }))).toEqual([0n, 3n]);
    expect(batchBaseOffsets(log.read(0n, 1 << 20, { maxOffset: 7n }))).toEqual([0n, 3n]);
    expect(log.read(6n, 1 << 20, { maxOffset: 6n }).length).toBe(0);
    expect(log.read(3n, 1 << 20, { maxOffset: 5n }).length).toBe(0);
  });

  it('rejects fetches outside the log with OFFSET_OUT_OF_RANGE and answers the end with nothing', async () => {
    const log = await openLog();
    appendBatches(log, 2, 2);
    expect(log.read(4n, 1000).length).toBe(0);
    expect(() => log.read(5n, 1000)).toThrow(OffsetOutOfRangeError);
    await log.deleteRecordsBefore(2n);
    expect(() => log.read(1n, 1000)).toThrow(OffsetOutOfRangeError);
    try {
      log.read(1n, 1000);
    } catch (error) {
      expect((error as OffsetOutOfRangeError).errorCode).toBe(1);
    }
  });

  it('serves tail reads from memory and older reads from the file alike', async () => {
    const log = await openLog({ config: { tailCacheBytes: 300 } });
    appendBatches(log, 20, 2);
    expect(readAllRecords(log, 0n, 150).map((r) => r.value)).toEqual(readAllRecords(log, 0n, 1 << 20).map((r) => r.value));
    expect(decodeRecords(log.read(39n, 1000))[1]!.value).toBe('b19-r1');
  });
});

describe('validation of leader appends', () => {
  it('rejects a request with a corrupt batch as CORRUPT_MESSAGE and stores none of it', async () => {
    const log = await openLog();
    appendBatches(log, 1, 1);
    const corrupt = buildBatch({ records: 2 });
    corrupt[corrupt.length - 1]! ^= 0xff;
    const request = Buffer.concat([buildBatch({ records: 2 }), corrupt]);

    expect(() => log.appendAsLeader(request, 0)).toThrow(CorruptRecordError);
    expect(log.logEndOffset).toBe(1n);
    expect(fs.statSync(path.join(log.dir, '00000000000000000000.log')).size).toBe(log.size);
    expect(() => log.appendAsLeader(buildBatch({ records: 2 }).subarray(0, 70), 0)).toThrow(CorruptRecordError);
    const badMagic = buildBatch();
    badMagic[16] = 1;
    expect(() => log.appendAsLeader(badMagic, 0)).toThrow(CorruptRecordError);
    expect(log.logEndOffset).toBe(1n);
  });

  it('enforces max.message.bytes per batch and segment.bytes per request', async () => {
    const log = await openLog({ config: { maxMessageBytes: 200, segmentBytes: 500 } });
    const big = buildBatch({ records: 1, valueSize: 200 });
    let error: unknown;
    try {
      log.appendAsLeader(big, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect((error as RecordTooLargeError).kafkaError).toBe('MESSAGE_TOO_LARGE');
    const many = Buffer.concat(Array.from({ length: 8 }, () => buildBatch({ records: 1 })));
    expect(() => log.appendAsLeader(many, 0)).toThrow(RecordListTooLargeError);
    expect(log.logEndOffset).toBe(0n);
  });

  it('applies the client-batch rules of Kafka (INVALID_RECORD)', async () => {
    const log = await openLog();
    expect(() => log.appendAsLeader(buildBatch({ baseOffset: 5n }), 0)).toThrow(InvalidRecordError);
    expect(() => log.appendAsLeader(buildBatch({ control: true }), 0)).toThrow(InvalidRecordError);
    expect(() => log.appendAsLeader(buildBatch({ producerId: 9n, producerEpoch: 0, baseSequence: -1 }), 0)).toThrow(InvalidRecordError);
    expect(log.logEndOffset).toBe(0n);
  });

  it('stamps LogAppendTime and recomputes the CRC', async () => {
    const now = 1_800_000_000_000;
    const log = await openLog({ config: { messageTimestampType: 'LogAppendTime' }, now: () => now });
    const result = log.appendAsLeader(buildBatch({ records: 2 }), 0);
    expect(result.logAppendTime).toBe(BigInt(now));
    const stored = log.read(0n, 1000);
    expect(validateBatch(stored)).toBeUndefined();
    const header = readBatchHeader(stored);
    expect(header.maxTimestamp).toBe(BigInt(now));
    expect(header.attributes & 0x08).toBe(0x08);
    expect(decodeRecords(stored).map((r) => r.timestamp)).toEqual([BigInt(now), BigInt(now)]);
  });
});

describe('offset index', () => {
  it('writes an entry every index.interval.bytes pointing at batch starts', async () => {
    const log = await openLog({ config: { indexIntervalBytes: 200 } });
    appendBatches(log, 20, 2);
    await log.flush();
    const index = fs.readFileSync(path.join(log.dir, '00000000000000000000.index'));
    const data = fs.readFileSync(path.join(log.dir, '00000000000000000000.log'));
    expect(index.length % 8).toBe(0);
    expect(index.length / 8).toBeGreaterThan(3);
    let previousPosition = -1;
    for (let at = 0; at < index.length; at += 8) {
      const relativeOffset = index.readInt32BE(at);
      const position = index.readInt32BE(at + 4);
      expect(position).toBeGreaterThan(previousPosition);
      const header = readBatchHeader(data, position);
      expect(header.baseOffset + BigInt(header.lastOffsetDelta)).toBe(BigInt(relativeOffset));
      previousPosition = position;
    }
    for (let offset = 0n; offset < 40n; offset++) {
      expect(batchBaseOffsets(log.read(offset, 1))[0] ?? null).toBe(null);
      expect(batchBaseOffsets(log.read(offset, 1, { minOneBatch: true }))).toEqual([offset - (offset % 2n)]);
    }
  });
});

describe('follower appends', () => {
  it('keeps offsets and epochs and copies the leader byte for byte', async () => {
    const leader = await openLog({ config: { segmentBytes: 700 } });
    appendBatches(leader, 5, 2, 3);
    appendBatches(leader, 5, 2, 4);
    const follower = await openLog({ config: { segmentBytes: 700 } });
    let offset = 0n;
    while (offset < leader.logEndOffset) {
      const bytes = leader.read(offset, 300, { minOneBatch: true });
      const result = follower.appendAsFollower(bytes);
      expect(result.firstOffset).toBe(offset);
      offset = result.lastOffset + 1n;
    }
    expect(follower.logEndOffset).toBe(20n);
    expect(follower.read(0n, 1 << 20).equals(leader.read(0n, 1 << 20))).toBe(true);
    expect(follower.epochEntries()).toEqual([
      { epoch: 3, startOffset: 0n },
      { epoch: 4, startOffset: 10n },
    ]);
  });

  it('rejects batches that do not continue the log', async () => {
    const follower = await openLog();
    follower.appendAsFollower(buildBatch({ baseOffset: 0n, records: 2, partitionLeaderEpoch: 1 }));
    expect(() => follower.appendAsFollower(buildBatch({ baseOffset: 3n, partitionLeaderEpoch: 1 }))).toThrow(UnexpectedAppendOffsetError);
    expect(() => follower.appendAsFollower(buildBatch({ baseOffset: 1n, partitionLeaderEpoch: 1 }))).toThrow(UnexpectedAppendOffsetError);
    const gap = Buffer.concat([buildBatch({ baseOffset: 2n }), buildBatch({ baseOffset: 4n })]);
    expect(() => follower.appendAsFollower(gap)).toThrow(UnexpectedAppendOffsetError);
    const corrupt = buildBatch({ baseOffset: 2n });
    corrupt[70]! ^= 1;
    expect(() => follower.appendAsFollower(corrupt)).toThrow(CorruptRecordError);
    expect(follower.logEndOffset).toBe(2n);
  });
});
