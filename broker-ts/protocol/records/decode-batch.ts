// Reads the records inside RecordBatch v2 batches, e.g. the `records` of a Fetch response or a
// Produce request. Input may end with a partial batch (fetches are cut at maxBytes); it is skipped.
import { Reader } from '../codec/reader.js';
import { ProtocolError } from '../codec/protocol-error.js';
import type { BatchHeader } from '../record-batch.js';
import { Attributes, BATCH_HEADER_SIZE, compressionOf, readBatchHeader, scanBatches, validateBatch } from '../record-batch.js';
import { UnsupportedCompressionError, decompress } from './compression.js';
import type { DecodedRecord, RecordHeader } from './record.js';

export interface DecodedBatch {
  header: BatchHeader;
  records: DecodedRecord[];
}

export interface DecodeOptions {
  /** Check magic, lengths and CRC first (default true). */
  verify?: boolean;
  /** Limit for a decompressed records section. */
  maxDecompressedBytes?: number;
}

function readNullableVarBytes(r: Reader): Buffer | null {
  const length = nullableLength(r);
  return length === -1 ? null : r.view(length);
}

function skipNullableVarBytes(r: Reader): void {
  const length = nullableLength(r);
  if (length !== -1) r.skip(length);
}

function nullableLength(r: Reader): number {
  const length = r.varint();
  if (length < -1) throw new ProtocolError('bad-record', `record field length ${length} is invalid`);
  return length;
}

function checkedHeaderCount(r: Reader): number {
  const headerCount = r.varint();
  // A header takes at least two bytes (two varint lengths).
  if (headerCount < 0 || headerCount * 2 > r.remaining) {
    throw new ProtocolError('bad-record', `record header count ${headerCount} is invalid`);
  }
  return headerCount;
}

/** A record's length prefix, which must fit in what is left. */
function recordLength(r: Reader): number {
  const length = r.varint();
  if (length < 0 || length > r.remaining) {
    throw new ProtocolError('bad-record', `record length ${length} does not fit in the ${r.remaining} bytes left`);
  }
  return length;
}

function checkRecordEnd(r: Reader, length: number, end: number): void {
  if (r.offset !== end) {
    throw new ProtocolError('bad-record', `record declared ${length} bytes but its fields took ${length + r.offset - end}`);
  }
}

function readRecord(r: Reader, header: BatchHeader): DecodedRecord {
  const length = recordLength(r);
  const end = r.offset + length;
  r.int8(); // record attributes: unused by Kafka
  const timestampDelta = r.varlong();
  const offsetDelta = r.varint();
  const key = readNullableVarBytes(r);
  const value = readNullableVarBytes(r);
  const headerCount = checkedHeaderCount(r);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const keyBytes = readNullableVarBytes(r);
    if (keyBytes === null) throw new ProtocolError('bad-record', 'record header key is null');
    headers.push({ key: keyBytes.toString('utf8'), value: readNullableVarBytes(r) });
  }
  checkRecordEnd(r, length, end);
  return {
    offset: header.baseOffset + BigInt(offsetDelta),
    // In a LogAppendTime batch every record has the broker's time, kept as the batch max timestamp.
    timestamp: (header.attributes & Attributes.timestampTypeLogAppend) !== 0 ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}

/**
 * Moves past one record with readRecord's checks, making nothing of it: validating a produce
 * request's records must not allocate per record.
 */
function skipRecord(r: Reader): void {
  const length = recordLength(r);
  const end = r.offset + length;
  r.int8(); // record attributes: unused by Kafka
  r.skipVarlong();
  r.varint();
  skipNullableVarBytes(r);
  skipNullableVarBytes(r);
  const headerCount = checkedHeaderCount(r);
  for (let i = 0; i < headerCount; i++) {
    const keyLength = nullableLength(r);
    if (keyLength === -1) throw new ProtocolError('bad-record', 'record header key is null');
    r.skip(keyLength);
    skipNullableVarBytes(r);
  }
  checkRecordEnd(r, length, end);
}

/** Decodes the batch starting at `at`. */
export function decodeRecordBatch(buf: Buffer, at = 0, options: DecodeOptions = {}): DecodedBatch {
  const { header, reader } = openRecords(buf, at, options);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) records.push(readRecord(reader, header));
  return { header, records };
}

/**
 * Checks every record of the batch at `at` as decodeRecordBatch would read it, keeping none, and
 * says how many bytes of the (decompressed) records section they took out of how many.
 */
export function measureRecordBatch(buf: Buffer, at = 0, options: DecodeOptions = {}): { consumed: number; available: number } {
  const { header, reader } = openRecords(buf, at, options);
  for (let i = 0; i < header.recordCount; i++) skipRecord(reader);
  return { consumed: reader.offset, available: reader.buf.length };
}

/** The batch header and a reader over its (decompressed) records section. */
function openRecords(buf: Buffer, at: number, options: DecodeOptions): { header: BatchHeader; reader: Reader } {
  if (options.verify ?? true) {
    const problem = validateBatch(buf, at);
    if (problem !== undefined) throw new ProtocolError('bad-record', `record batch at ${at}: ${problem}`);
  } else if (buf.length - at < BATCH_HEADER_SIZE) {
    throw new ProtocolError('bad-record', `record batch at ${at} is truncated`);
  }
  const header = readBatchHeader(buf, at);
  const end = at + 12 + header.batchLength;
  if (header.magic !== 2 || end > buf.length || header.recordCount < 0) {
    throw new ProtocolError('bad-record', `record batch at ${at} is not a well-formed v2 batch`);
  }
  let section = buf.subarray(at + BATCH_HEADER_SIZE, end);
  try {
    section = decompress(compressionOf(header.attributes), section, options.maxDecompressedBytes);
  } catch (error) {
    if (error instanceof UnsupportedCompressionError) throw error;
    throw new ProtocolError('bad-record', `record batch at ${at} does not decompress: ${(error as Error).message}`);
  }
  // A record takes at least 7 bytes, which bounds a hostile count.
  if (header.recordCount * 7 > section.length) {
    throw new ProtocolError('bad-record', `record count ${header.recordCount} cannot fit in ${section.length} bytes`);
  }
  return { header, reader: new Reader(section) };
}

/** Decodes every complete batch in `buf`, in order. */
export function decodeRecordBatches(buf: Buffer, options: DecodeOptions = {}): DecodedBatch[] {
  return scanBatches(buf).batches.map((batch) => decodeRecordBatch(buf, batch.position, options));
}
