// ListOffsets by timestamp must name the first *record* at or after a timestamp, which is inside a
// batch. This walks a batch's records just far enough to read each one's offset and timestamp.
// Compressed batches need a decompressor: gzip is built into Node; the others (snappy, lz4, zstd)
// can be plugged in by whoever has the codecs.
import { gunzipSync } from 'node:zlib';
import { BATCH_HEADER_SIZE, Compression, compressionOf, readBatchHeader } from '@kafka-chaos/protocol';
import { isLogAppendTime } from './batch-header-helpers.js';

/** Returns the uncompressed records section, or undefined when it cannot decompress this codec. */
export type RecordsDecompressor = (compression: Compression, compressed: Buffer) => Buffer | undefined;

/** A small batch may inflate enormously; past this, the lookup settles for batch granularity. */
const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export const gzipDecompressor: RecordsDecompressor = (compression, compressed) =>
  compression === Compression.Gzip ? gunzipSync(compressed, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) : undefined;

export interface RecordTimestamp {
  offset: bigint;
  timestamp: bigint;
}

/** Offsets and timestamps of the records of one whole batch, or undefined if they cannot be read. */
export function recordTimestamps(batch: Buffer, decompress: RecordsDecompressor = gzipDecompressor): RecordTimestamp[] | undefined {
  const header = readBatchHeader(batch);
  const compression = compressionOf(header.attributes);
  let records: Buffer | undefined = batch.subarray(BATCH_HEADER_SIZE);
  if (compression !== Compression.None) {
    try {
      records = decompress(compression, records);
    } catch {
      return undefined;
    }
    if (records === undefined) return undefined;
  }
  const logAppendTime = isLogAppendTime(header.attributes);
  const result: RecordTimestamp[] = [];
  try {
    let at = 0;
    for (let i = 0; i < header.recordCount; i++) {
      const length = readVarint(records, at);
      const recordStart = at + length.size;
      at = recordStart + 1; // attributes
      const timestampDelta = readVarlong(records, at);
      at += timestampDelta.size;
      const offsetDelta = readVarint(records, at);
      result.push({
        offset: header.baseOffset + BigInt(offsetDelta.value),
        timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta.value,
      });
      at = recordStart + length.value;
    }
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return result;
}

function readVarint(buf: Buffer, at: number): { value: number; size: number } {
  let raw = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= buf.length) throw new RangeError('varint past the end of the records');
    const byte = buf[at + i]!;
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (raw >>> 1) ^ -(raw & 1), size: i + 1 };
    shift += 7;
  }
  throw new RangeError('varint longer than 5 bytes');
}

function readVarlong(buf: Buffer, at: number): { value: bigint; size: number } {
  let raw = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= buf.length) throw new RangeError('varlong past the end of the records');
    const byte = buf[at + i]!;
    raw |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (raw >> 1n) ^ -(raw & 1n), size: i + 1 };
    shift += 7n;
  }
  throw new RangeError('varlong longer than 10 bytes');
}
