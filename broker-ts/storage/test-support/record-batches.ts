// Builds valid RecordBatch v2 bytes for tests (header + simple records, CRC via writeBatchCrc) and
// decodes them back. Only what the storage tests need: no record headers, gzip as the one codec.
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  Attributes,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  Offsets,
  compressionOf,
  Compression,
  readBatchHeader,
  scanBatches,
  writeBatchCrc,
} from '@kafka-chaos/protocol';

export interface TestRecord {
  key?: string | null;
  value: string | null;
  /** Absolute timestamp; defaults to the batch base timestamp plus the record index. */
  timestamp?: bigint;
}

export interface TestBatchOptions {
  /** The records, or how many records with values "value-<i>" to generate. */
  records?: TestRecord[] | number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  baseTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  compression?: 'none' | 'gzip';
  transactional?: boolean;
  control?: boolean;
  /** Pads every generated value to this many bytes. */
  valueSize?: number;
}

export const DEFAULT_BASE_TIMESTAMP = 1_700_000_000_000n;

export function buildBatch(options: TestBatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? DEFAULT_BASE_TIMESTAMP;
  const records = normaliseRecords(options.records ?? 1, options.valueSize);
  const timestamps = records.map((r, i) => r.timestamp ?? baseTimestamp + BigInt(i));
  const firstTimestamp = timestamps[0] ?? baseTimestamp;
  const maxTimestamp = timestamps.reduce((max, t) => (t > max ? t : max), firstTimestamp);
  let body = Buffer.concat(records.map((record, i) => encodeRecord(record, timestamps[i]! - firstTimestamp, i)));
  let attributes = 0;
  if (options.compression === 'gzip') {
    body = gzipSync(body);
    attributes |= Compression.Gzip;
  }
  if (options.transactional) attributes |= Attributes.transactional;
  if (options.control) attributes |= Attributes.control;

  const batch = Buffer.alloc(BATCH_HEADER_SIZE + body.length);
  batch.writeBigInt64BE(options.baseOffset ?? 0n, Offsets.baseOffset);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, Offsets.batchLength);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, Offsets.partitionLeaderEpoch);
  batch.writeInt8(2, Offsets.magic);
  batch.writeInt16BE(attributes, Offsets.attributes);
  batch.writeInt32BE(Math.max(records.length - 1, 0), Offsets.lastOffsetDelta);
  batch.writeBigInt64BE(firstTimestamp, Offsets.baseTimestamp);
  batch.writeBigInt64BE(maxTimestamp, Offsets.maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? -1n, Offsets.producerId);
  batch.writeInt16BE(options.producerEpoch ?? -1, Offsets.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? -1, Offsets.baseSequence);
  batch.writeInt32BE(records.length, Offsets.recordCount);
  body.copy(batch, Offsets.records);
  writeBatchCrc(batch);
  return batch;
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: string | null;
  value: string | null;
  partitionLeaderEpoch: number;
}

/** Every record of every whole batch in `bytes`. */
export function decodeRecords(bytes: Buffer): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const view of scanBatches(bytes).batches) {
    const header = view.header;
    let body = bytes.subarray(view.position + BATCH_HEADER_SIZE, view.position + view.size);
    if (compressionOf(header.attributes) === Compression.Gzip) body = gunzipSync(body);
    const logAppendTime = (header.attributes & Attributes.timestampTypeLogAppend) !== 0;
    let at = 0;
    for (let i = 0; i < header.recordCount; i++) {
      const length = readVarint(body, at);
      const start = at + length.size;
      let cursor = start + 1;
      const timestampDelta = readVarint(body, cursor);
      cursor += timestampDelta.size;
      const offsetDelta = readVarint(body, cursor);
      cursor += offsetDelta.size;
      const key = readBytes(body, cursor);
      cursor = key.next;
      const value = readBytes(body, cursor);
      out.push({
        offset: header.baseOffset + BigInt(offsetDelta.value),
        timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + BigInt(timestampDelta.value),
        key: key.value,
        value: value.value,
        partitionLeaderEpoch: header.partitionLeaderEpoch,
      });
      at = start + length.value;
    }
  }
  return out;
}

/** Base offsets of the whole batches in `bytes`. */
export function batchBaseOffsets(bytes: Buffer): bigint[] {
  return scanBatches(bytes).batches.map((b) => b.header.baseOffset);
}

export function headerOf(bytes: Buffer, at = 0): ReturnType<typeof readBatchHeader> {
  return readBatchHeader(bytes, at);
}

function normaliseRecords(records: TestRecord[] | number, valueSize?: number): TestRecord[] {
  if (typeof records !== 'number') return records;
  return Array.from({ length: records }, (_, i) => ({ value: `value-${i}`.padEnd(valueSize ?? 0, '.') }));
}

function encodeRecord(record: TestRecord, timestampDelta: bigint, offsetDelta: number): Buffer {
  const key = record.key === undefined || record.key === null ? null : Buffer.from(record.key);
  const value = record.value === null ? null : Buffer.from(record.value);
  const body = Buffer.concat([
    Buffer.from([0]),
    writeVarint(Number(timestampDelta)),
    writeVarint(offsetDelta),
    writeVarint(key === null ? -1 : key.length),
    key ?? Buffer.alloc(0),
    writeVarint(value === null ? -1 : value.length),
    value ?? Buffer.alloc(0),
    writeVarint(0),
  ]);
  return Buffer.concat([writeVarint(body.length), body]);
}

function writeVarint(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

function readVarint(buf: Buffer, at: number): { value: number; size: number } {
  let raw = 0;
  let multiplier = 1;
  let size = 0;
  for (;;) {
    const byte = buf[at + size]!;
    raw += (byte & 0x7f) * multiplier;
    size += 1;
    if ((byte & 0x80) === 0) break;
    multiplier *= 0x80;
  }
  const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  return { value, size };
}

function readBytes(buf: Buffer, at: number): { value: string | null; next: number } {
  const length = readVarint(buf, at);
  const start = at + length.size;
  if (length.value < 0) return { value: null, next: start };
  return { value: buf.subarray(start, start + length.value).toString(), next: start + length.value };
}
