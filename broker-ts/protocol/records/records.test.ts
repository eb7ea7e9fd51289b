import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../codec/protocol-error.js';
import { Attributes, BATCH_HEADER_SIZE, Compression, Offsets, readBatchHeader, validateBatch, writeBatchCrc } from '../record-batch.js';
import { UnsupportedCompressionError } from './compression.js';
import { ControlRecordType, encodeTransactionMarkerBatch, readTransactionMarker } from './control-record.js';
import { decodeRecordBatch, decodeRecordBatches, measureRecordBatch } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';
import { SeededRandom } from '../util/seeded-random.js';

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ProtocolError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('encodeRecordBatch', () => {
  it('lays out a single record exactly as the v2 format specifies', () => {
    const batch = encodeRecordBatch([{ key: 'k', value: 'v', timestamp: 1000n }], { baseOffset: 0n });
    // length 8 (zigzag 0x10), attributes, timestamp delta 0, offset delta 0, key "k", value "v", no headers
    expect(batch.subarray(BATCH_HEADER_SIZE).toString('hex')).toBe('10' + '00' + '00' + '00' + '026b' + '0276' + '00');
    expect(batch.length).toBe(BATCH_HEADER_SIZE + 9);
    expect(batch.readInt32BE(Offsets.batchLength)).toBe(batch.length - 12);
    expect(batch.readInt8(Offsets.magic)).toBe(2);
    expect(validateBatch(batch)).toBeUndefined();
  });

  it('fills the header like a producer does', () => {
    const batch = encodeRecordBatch(
      [
        { value: 'a', timestamp: 2000n },
        { value: 'b', timestamp: 1500n },
        { value: 'c', timestamp: 2500n },
      ],
      { baseOffset: 100n, producerId: 7n, producerEpoch: 2, baseSequence: 40, transactional: true, partitionLeaderEpoch: 3 },
    );
    expect(readBatchHeader(batch)).toMatchObject({
      baseOffset: 100n,
      partitionLeaderEpoch: 3,
      magic: 2,
      attributes: Attributes.transactional,
      lastOffsetDelta: 2,
      baseTimestamp: 2000n,
      maxTimestamp: 2500n,
      producerId: 7n,
      producerEpoch: 2,
      baseSequence: 40,
      recordCount: 3,
    });
  });

  it('refuses an empty batch', () => {
    expect(() => encodeRecordBatch([])).toThrow(RangeError);
  });
});

describe('decodeRecordBatch', () => {
  it('gives every record of a LogAppendTime batch the batch max timestamp, as Kafka does', () => {
    const batch = encodeRecordBatch(
      [
        { value: 'a', timestamp: 1000n },
        { value: 'b', timestamp: 1200n },
      ],
      { logAppendTime: 5000n },
    );
    expect(readBatchHeader(batch).attributes & Attributes.timestampTypeLogAppend).not.toBe(0);
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual([5000n, 5000n]);
    const createTime = encodeRecordBatch([
      { value: 'a', timestamp: 1000n },
      { value: 'b', timestamp: 1200n },
    ]);
    expect(decodeRecordBatch(createTime).records.map((r) => r.timestamp)).toEqual([1000n, 1200n]);
  });

  const records = [
    {
      key: 'k1',
      value: 'v1',
      timestamp: 1_700_000_000_000n,
      headers: [
        { key: 'h1', value: 'x' },
        { key: 'h2', value: null },
      ],
    },
    { key: null, value: null, timestamp: 1_699_999_999_000n },
    { key: Buffer.from([0, 255]), value: 'é'.repeat(300), timestamp: 1_700_000_000_123n },
  ];

  it.each([Compression.None, Compression.Gzip])('reads back what was written (compression %d)', (compression) => {
    const batch = encodeRecordBatch(records, { baseOffset: 50n, compression });
    expect(batch.readInt16BE(Offsets.attributes) & Attributes.compressionMask).toBe(compression);
    const decoded = decodeRecordBatch(batch);
    expect(decoded.records).toEqual([
      {
        offset: 50n,
        timestamp: 1_700_000_000_000n,
        key: Buffer.from('k1'),
        value: Buffer.from('v1'),
        headers: [
          { key: 'h1', value: Buffer.from('x') },
          { key: 'h2', value: null },
        ],
      },
      { offset: 51n, timestamp: 1_699_999_999_000n, key: null, value: null, headers: [] },
      { offset: 52n, timestamp: 1_700_000_000_123n, key: Buffer.from([0, 255]), value: Buffer.from('é'.repeat(300)), headers: [] },
    ]);
  });

  it('compresses with gzip', () => {
    const big = [{ value: 'z'.repeat(10_000), timestamp: 1n }];
    expect(encodeRecordBatch(big, { compression: Compression.Gzip }).length).toBeLessThan(encodeRecordBatch(big).length / 10);
  });

  it('reads every complete batch and skips a partial one at the end', () => {
    const first = encodeRecordBatch([{ value: 'a', timestamp: 1n }], { baseOffset: 0n });
    const second = encodeRecordBatch([{ value: 'b', timestamp: 1n }], { baseOffset: 1n });
    const batches = decodeRecordBatches(Buffer.concat([first, second, second.subarray(0, 20)]));
    expect(batches.map((b) => b.records[0]!.value!.toString())).toEqual(['a', 'b']);
  });

  it('rejects a batch whose CRC does not match', () => {
    const batch = encodeRecordBatch([{ value: 'a', timestamp: 1n }]);
    const flipped = batch.length - 2;
    batch.writeUInt8(batch.readUInt8(flipped) ^ 0xff, flipped);
    expect(reasonOf(() => decodeRecordBatch(batch))).toBe('bad-record');
  });

  it('rejects impossible record counts and record lengths', () => {
    const batch = encodeRecordBatch([{ value: 'a', timestamp: 1n }]);
    const tooMany = Buffer.from(batch);
    tooMany.writeInt32BE(1_000_000, Offsets.recordCount);
    tooMany.writeInt32BE(999_999, Offsets.lastOffsetDelta);
    writeBatchCrc(tooMany);
    expect(reasonOf(() => decodeRecordBatch(tooMany))).toBe('bad-record');

    const longRecord = Buffer.from(batch);
    longRecord[BATCH_HEADER_SIZE] = 0x7e; // record length 63, far beyond the batch
    writeBatchCrc(longRecord);
    expect(reasonOf(() => decodeRecordBatch(longRecord))).toBe('bad-record');
  });

  it('reports codecs it cannot decompress', () => {
    const batch = encodeRecordBatch([{ value: 'a', timestamp: 1n }]);
    batch.writeInt16BE(Compression.Snappy, Offsets.attributes);
    writeBatchCrc(batch);
    expect(() => decodeRecordBatch(batch)).toThrow(UnsupportedCompressionError);
    expect(() => encodeRecordBatch([{ value: 'a' }], { compression: Compression.Zstd })).toThrow(UnsupportedCompressionError);
  });

  it('limits how far a gzip section may expand', () => {
    const batch = encodeRecordBatch([{ value: Buffer.alloc(1_000_000), timestamp: 1n }], { compression: Compression.Gzip });
    expect(batch.length).toBeLessThan(10_000);
    expect(reasonOf(() => decodeRecordBatch(batch, 0, { maxDecompressedBytes: 64 * 1024 }))).toBe('bad-record');
  });
});

describe('measureRecordBatch', () => {
  // It walks records without keeping them, for produce validation; it must refuse exactly what
  // the full decode refuses, or a batch no consumer can read would be stored.
  it('refuses what decodeRecordBatch refuses and accepts what it accepts, over mutated records', () => {
    const batch = encodeRecordBatch([
      {
        key: Buffer.from('k1'),
        value: Buffer.from('value one'),
        headers: [
          { key: 'h', value: Buffer.from('v') },
          { key: 'n', value: null },
        ],
      },
      { key: null, value: null, timestamp: 1_700_000_000_000n },
      { key: Buffer.alloc(300, 1), value: Buffer.alloc(0), headers: [{ key: 'x'.repeat(130), value: Buffer.alloc(200, 2) }] },
    ]);
    const outcome = (run: () => unknown) => {
      try {
        return JSON.stringify(run());
      } catch (error) {
        if (error instanceof ProtocolError) return `refused: ${error.message}`;
        throw error;
      }
    };
    const random = new SeededRandom(7);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const mutated = Buffer.from(batch);
      const flips = 1 + random.int(3);
      for (let f = 0; f < flips; f++) mutated[BATCH_HEADER_SIZE + random.int(mutated.length - BATCH_HEADER_SIZE)] = random.int(256);
      const full = outcome(() => decodeRecordBatch(mutated, 0, { verify: false }).records.length);
      const walked = outcome(() => measureRecordBatch(mutated, 0, { verify: false }));
      if (full.startsWith('refused')) {
        refused++;
        expect(walked).toBe(full);
      } else {
        expect(walked.startsWith('refused'), walked).toBe(false);
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(measureRecordBatch(batch)).toEqual({ consumed: batch.length - BATCH_HEADER_SIZE, available: batch.length - BATCH_HEADER_SIZE });
  });
});

describe('transaction markers', () => {
  it.each([ControlRecordType.Commit, ControlRecordType.Abort])('round-trip a control batch (type %d)', (type) => {
    const batch = encodeTransactionMarkerBatch({ type, coordinatorEpoch: 5 }, { producerId: 9n, producerEpoch: 1, baseOffset: 30n });
    const header = readBatchHeader(batch);
    expect(header.attributes & (Attributes.control | Attributes.transactional)).toBe(Attributes.control | Attributes.transactional);
    expect(header).toMatchObject({ producerId: 9n, producerEpoch: 1, baseOffset: 30n, recordCount: 1 });
    const [record] = decodeRecordBatch(batch).records;
    expect(record!.key).toEqual(Buffer.from([0, 0, 0, type]));
    expect(readTransactionMarker(record!)).toEqual({ type, coordinatorEpoch: 5 });
  });
});
