// RecordBatch v2 (magic 2) header: the fixed 61-byte prefix of every batch. The broker stores batches
// as clients sent them and only ever reads or rewrites these header fields, so records (which may be
// compressed) are never decoded on the produce or fetch path.
import { crc32c } from './crc32c.js';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset (8) + batchLength (4): batchLength counts the bytes after these. */
export const BATCH_LOG_OVERHEAD = 12;

export const Offsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

export const Attributes = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export enum Compression {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Total size in bytes of the batch starting at `at`, or -1 if not even the length is present. */
export function batchSizeAt(buf: Buffer, at = 0): number {
  if (buf.length - at < BATCH_LOG_OVERHEAD) return -1;
  return BATCH_LOG_OVERHEAD + buf.readInt32BE(at + Offsets.batchLength);
}

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(at + Offsets.baseOffset),
    batchLength: buf.readInt32BE(at + Offsets.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(at + Offsets.partitionLeaderEpoch),
    magic: buf.readInt8(at + Offsets.magic),
    crc: buf.readUInt32BE(at + Offsets.crc),
    attributes: buf.readInt16BE(at + Offsets.attributes),
    lastOffsetDelta: buf.readInt32BE(at + Offsets.lastOffsetDelta),
    baseTimestamp: buf.readBigInt64BE(at + Offsets.baseTimestamp),
    maxTimestamp: buf.readBigInt64BE(at + Offsets.maxTimestamp),
    producerId: buf.readBigInt64BE(at + Offsets.producerId),
    producerEpoch: buf.readInt16BE(at + Offsets.producerEpoch),
    baseSequence: buf.readInt32BE(at + Offsets.baseSequence),
    recordCount: buf.readInt32BE(at + Offsets.recordCount),
  };
}

/** The CRC is over attributes..end, so baseOffset and partitionLeaderEpoch can change without it. */
export function computeBatchCrc(buf: Buffer, at = 0): number {
  const size = batchSizeAt(buf, at);
  return crc32c(buf, at + Offsets.attributes, at + size);
}

export function writeBatchCrc(buf: Buffer, at = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, at), at + Offsets.crc);
}

export type BatchProblem = 'truncated' | 'bad-length' | 'bad-magic' | 'bad-crc' | 'bad-record-count';

/**
 * Checks one batch at `at` without decoding its records. Returns undefined when it is sound.
 * Used both on produce (reject with CORRUPT_MESSAGE) and on log recovery (truncate a torn tail).
 */
export function validateBatch(buf: Buffer, at = 0): BatchProblem | undefined {
  if (buf.length - at < BATCH_LOG_OVERHEAD) return 'truncated';
  const length = buf.readInt32BE(at + Offsets.batchLength);
  if (length < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) return 'bad-length';
  if (buf.length - at < BATCH_LOG_OVERHEAD + length) return 'truncated';
  if (buf.readInt8(at + Offsets.magic) !== 2) return 'bad-magic';
  const count = buf.readInt32BE(at + Offsets.recordCount);
  const lastDelta = buf.readInt32BE(at + Offsets.lastOffsetDelta);
  if (count < 0 || lastDelta < 0 || (count > 0 && lastDelta < count - 1)) return 'bad-record-count';
  if (buf.readUInt32BE(at + Offsets.crc) !== computeBatchCrc(buf, at)) return 'bad-crc';
  return undefined;
}

export interface BatchView {
  /** Byte position of the batch in the buffer it was found in. */
  position: number;
  size: number;
  header: BatchHeader;
}

/**
 * Walks concatenated batches. Stops at the first incomplete batch (a fetch may end mid-batch, and a
 * crashed log may end with a torn one); `end` tells where the whole batches stop.
 */
export function scanBatches(buf: Buffer): { batches: BatchView[]; end: number } {
  const batches: BatchView[] = [];
  let at = 0;
  while (at < buf.length) {
    const size = batchSizeAt(buf, at);
    if (size < BATCH_HEADER_SIZE || at + size > buf.length) break;
    batches.push({ position: at, size, header: readBatchHeader(buf, at) });
    at += size;
  }
  return { batches, end: at };
}

export function compressionOf(attributes: number): Compression {
  return (attributes & Attributes.compressionMask) as Compression;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & Attributes.control) !== 0;
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & Attributes.transactional) !== 0;
}

/** Offsets are assigned by the leader: rewrite baseOffset (outside the CRC) in place. */
export function setBaseOffset(buf: Buffer, baseOffset: bigint, at = 0): void {
  buf.writeBigInt64BE(baseOffset, at + Offsets.baseOffset);
}

/** The leader stamps its epoch on every batch it appends (also outside the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, at = 0): void {
  buf.writeInt32BE(epoch, at + Offsets.partitionLeaderEpoch);
}

export function lastOffsetOf(header: BatchHeader): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}
