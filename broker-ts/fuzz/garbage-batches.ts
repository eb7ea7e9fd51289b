// Record batches a broker must refuse, each damaged in one way Kafka's validation catches (a bad
// CRC, counts that disagree, varints that never end, records that overrun or fall short of the
// batch, a payload that is not what its codec says, a codec that does not exist, a wrong magic, an
// offset or control flag a client may not send, a size over max.message.bytes). Where the damage is
// inside the CRC's range, the CRC is recomputed so that the record checks, not the CRC, must refuse it.
import { Compression, Offsets, encodeRecordBatch, writeBatchCrc } from '@kafka-chaos/protocol';
import type { SeededRandom } from '@kafka-chaos/protocol/seeded-random';

export type Damage =
  | 'crc'
  | 'record-count-high'
  | 'record-count-negative'
  | 'last-offset-delta'
  | 'endless-varint'
  | 'record-length-overrun'
  | 'trailing-bytes'
  | 'negative-key-length'
  | 'header-count'
  | 'not-gzip'
  | 'unknown-codec'
  | 'magic'
  | 'base-offset'
  | 'control-flag'
  | 'batch-length'
  | 'too-large';

export const DAMAGES: readonly Damage[] = [
  'crc',
  'record-count-high',
  'record-count-negative',
  'last-offset-delta',
  'endless-varint',
  'record-length-overrun',
  'trailing-bytes',
  'negative-key-length',
  'header-count',
  'not-gzip',
  'unknown-codec',
  'magic',
  'base-offset',
  'control-flag',
  'batch-length',
  'too-large',
];

/** A valid batch of `count` small records. */
export function validBatch(random: SeededRandom, count = 1 + random.int(4)): Buffer {
  return encodeRecordBatch(Array.from({ length: count }, (_, i) => ({ key: random.chance(0.5) ? `k${i}` : null, value: random.bytes(1 + random.int(40)) })));
}

/** One damaged batch; `maxMessageBytes` is the target topic's limit. */
export function damagedBatch(damage: Damage, random: SeededRandom, maxMessageBytes: number): Buffer {
  const batch = validBatch(random);
  const records = Offsets.records;
  switch (damage) {
    case 'crc': {
      const at = records + random.int(batch.length - records);
      batch[at] = batch[at]! ^ (1 + random.int(255));
      return batch; // the CRC no longer matches
    }
    case 'record-count-high':
      batch.writeInt32BE(random.chance(0.5) ? 2_147_483_647 : batch.readInt32BE(Offsets.recordCount) + 1 + random.int(100), Offsets.recordCount);
      batch.writeInt32BE(batch.readInt32BE(Offsets.recordCount) - 1, Offsets.lastOffsetDelta);
      break;
    case 'record-count-negative':
      batch.writeInt32BE(-1 - random.int(1000), Offsets.recordCount);
      break;
    case 'last-offset-delta':
      batch.writeInt32BE(batch.readInt32BE(Offsets.lastOffsetDelta) + 1 + random.int(1000), Offsets.lastOffsetDelta);
      break;
    case 'endless-varint':
      // The first record's length varint: ten bytes with the continuation bit set.
      batch.fill(0xff, records, Math.min(batch.length, records + 10));
      break;
    case 'record-length-overrun':
      // The first record's length becomes the two-byte varint 0xfe 0x7f (8191): far past the end of small records.
      batch.writeUInt8(0xfe, records);
      batch.writeUInt8(0x7f, records + 1);
      break;
    case 'trailing-bytes': {
      const extended = Buffer.concat([batch, random.bytes(1 + random.int(20))]);
      extended.writeInt32BE(extended.length - 12, Offsets.batchLength);
      writeBatchCrc(extended);
      return extended;
    }
    case 'negative-key-length': {
      // First record: length varint, attributes (1), timestamp delta (1 byte for 0), offset delta (1 byte for 0), then the key length.
      const keyLengthAt = records + varintSize(batch, records) + 3;
      if (keyLengthAt < batch.length) batch[keyLengthAt] = 0x05; // zigzag -3
      break;
    }
    case 'header-count': {
      // The header count is the last varint of a record with no headers; with one record it is the batch's last byte.
      const single = encodeRecordBatch([{ value: random.bytes(1 + random.int(20)) }]);
      single[single.length - 1] = 0x0b; // zigzag -6
      writeBatchCrc(single);
      return single;
    }
    case 'not-gzip':
      batch.writeInt16BE(Compression.Gzip, Offsets.attributes);
      break;
    case 'unknown-codec':
      batch.writeInt16BE(5 + random.int(3), Offsets.attributes);
      break;
    case 'magic':
      batch.writeInt8(random.pick([0, 1, 3, -1]), Offsets.magic);
      break;
    case 'base-offset':
      batch.writeBigInt64BE(BigInt(1 + random.int(1_000_000)), Offsets.baseOffset);
      return batch; // the CRC does not cover the base offset
    case 'control-flag':
      batch.writeInt16BE(0x20, Offsets.attributes);
      break;
    case 'batch-length':
      batch.writeInt32BE(batch.readInt32BE(Offsets.batchLength) + (random.chance(0.5) ? 1 + random.int(100) : -1 - random.int(10)), Offsets.batchLength);
      return batch;
    case 'too-large':
      return encodeRecordBatch([{ value: random.bytes(maxMessageBytes + 1 + random.int(1000)) }]);
  }
  writeBatchCrc(batch);
  return batch;
}

function varintSize(buf: Buffer, at: number): number {
  let size = 1;
  while (at + size - 1 < buf.length && (buf[at + size - 1]! & 0x80) !== 0) size++;
  return size;
}
