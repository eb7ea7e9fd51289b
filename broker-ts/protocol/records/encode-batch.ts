// Builds RecordBatch v2 (magic 2) the way Kafka's producer does: base timestamp is the first
// record's, deltas are relative to it and to the base offset, and the CRC-32C covers everything
// from the attributes on.
import { Writer } from '../codec/writer.js';
import { Attributes, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, Compression, writeBatchCrc } from '../record-batch.js';
import { compress } from './compression.js';
import type { RecordInput } from './record.js';

export interface BatchOptions {
  baseOffset?: bigint;
  /** -1 when written by a producer; the leader stamps its epoch on append. */
  partitionLeaderEpoch?: number;
  /** -1 for producers that are not idempotent. */
  producerId?: bigint;
  producerEpoch?: number;
  /** Sequence number of the first record, -1 for producers that are not idempotent. */
  baseSequence?: number;
  compression?: Compression;
  transactional?: boolean;
  /** A control batch carries transaction markers (see control-record.ts). */
  control?: boolean;
  /** LogAppendTime batches carry the broker's time in maxTimestamp. */
  logAppendTime?: bigint;
  /** Timestamp of records that give none; defaults to now. */
  defaultTimestamp?: bigint;
}

function toBytes(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function writeNullableVarBytes(w: Writer, value: Buffer | string | null | undefined): void {
  if (value === null || value === undefined) {
    w.varint(-1);
    return;
  }
  const bytes = toBytes(value);
  w.varint(bytes.length).raw(bytes);
}

function encodeRecord(record: RecordInput, timestampDelta: bigint, offsetDelta: number): Buffer {
  const body = new Writer(128);
  body.int8(0); // record attributes: unused by Kafka
  body.varlong(timestampDelta);
  body.varint(offsetDelta);
  writeNullableVarBytes(body, record.key);
  writeNullableVarBytes(body, record.value);
  const headers = record.headers ?? [];
  body.varint(headers.length);
  for (const header of headers) {
    const key = Buffer.from(header.key, 'utf8');
    body.varint(key.length).raw(key);
    writeNullableVarBytes(body, header.value);
  }
  const bytes = body.toBuffer();
  return new Writer(bytes.length + 5).varint(bytes.length).raw(bytes).toBuffer();
}

/** Encodes records as one RecordBatch v2, CRC included. */
export function encodeRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  const compression = options.compression ?? Compression.None;
  const fallback = options.defaultTimestamp ?? BigInt(Date.now());
  const timestamps = records.map((r) => (r.timestamp === undefined ? fallback : BigInt(r.timestamp)));
  const baseTimestamp = timestamps[0]!;
  let maxTimestamp = baseTimestamp;
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t;

  const encoded = records.map((record, i) => encodeRecord(record, timestamps[i]! - baseTimestamp, i));
  const recordsSection = compress(compression, Buffer.concat(encoded));

  let attributes: number = compression;
  if (options.logAppendTime !== undefined) attributes |= Attributes.timestampTypeLogAppend;
  if (options.transactional) attributes |= Attributes.transactional;
  if (options.control) attributes |= Attributes.control;

  const w = new Writer(BATCH_HEADER_SIZE + recordsSection.length);
  w.int64(options.baseOffset ?? 0n);
  w.int32(BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD + recordsSection.length);
  w.int32(options.partitionLeaderEpoch ?? -1);
  w.int8(2);
  w.uint32(0); // CRC, filled in below
  w.int16(attributes);
  w.int32(records.length - 1);
  w.int64(baseTimestamp);
  w.int64(options.logAppendTime ?? maxTimestamp);
  w.int64(options.producerId ?? -1n);
  w.int16(options.producerEpoch ?? -1);
  w.int32(options.baseSequence ?? -1);
  w.int32(records.length);
  w.raw(recordsSection);
  const batch = w.toBuffer();
  writeBatchCrc(batch);
  return batch;
}
