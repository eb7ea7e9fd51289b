import { describe, expect, it } from 'vitest';
import { Compression } from '@kafka-chaos/protocol';
import { recordTimestamps } from './record-timestamps.js';
import { buildBatch } from './test-support/record-batches.js';

describe('recordTimestamps', () => {
  const records = [
    { value: 'a', timestamp: 5000n },
    { value: 'b', timestamp: 3000n },
    { value: 'c', timestamp: 7000n },
  ];

  it('reads each record offset and timestamp of an uncompressed batch', () => {
    expect(recordTimestamps(buildBatch({ records, baseOffset: 40n }))).toEqual([
      { offset: 40n, timestamp: 5000n },
      { offset: 41n, timestamp: 3000n },
      { offset: 42n, timestamp: 7000n },
    ]);
  });

  it('decompresses gzip, and gives up on codecs it has no decompressor for', () => {
    const batch = buildBatch({ records, compression: 'gzip' });
    expect(recordTimestamps(batch)?.map((r) => r.timestamp)).toEqual([5000n, 3000n, 7000n]);
    expect(recordTimestamps(batch, () => undefined)).toBeUndefined();
    const snappy = Buffer.from(batch);
    snappy.writeInt16BE(Compression.Snappy, 21);
    expect(recordTimestamps(snappy)).toBeUndefined();
  });

  it('gives every record the batch time under LogAppendTime', () => {
    const batch = buildBatch({ records });
    batch.writeInt16BE(0x08, 21);
    batch.writeBigInt64BE(9999n, 35);
    expect(recordTimestamps(batch)?.map((r) => r.timestamp)).toEqual([9999n, 9999n, 9999n]);
  });

  it('returns undefined for records that run past the batch', () => {
    const batch = buildBatch({ records });
    batch.writeInt32BE(5, 57);
    expect(recordTimestamps(batch)).toBeUndefined();
  });
});
