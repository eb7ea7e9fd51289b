// Splitting an append into its batches and checking them, header only, before anything is stored:
// one bad batch rejects the whole request.
import { ProtocolError } from '@kafka-chaos/protocol';
import { BATCH_HEADER_SIZE, Compression, Offsets, batchSizeAt, compressionOf, isControlBatch, readBatchHeader, validateBatch } from '@kafka-chaos/protocol';
import { UnsupportedCompressionError } from '@kafka-chaos/protocol';
import { measureRecordBatch } from '@kafka-chaos/protocol';
import type { BatchHeader } from '@kafka-chaos/protocol';
import { hasProducerId } from './batch-header-helpers.js';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError } from './errors.js';
import type { AppendOrigin } from './producer-state.js';

export interface BatchView {
  position: number;
  size: number;
  header: BatchHeader;
}

/** The batches of a replicated append; CORRUPT_MESSAGE if any is torn or fails its checks. */
export function splitSoundBatches(batches: Buffer): BatchView[] {
  const views: BatchView[] = [];
  for (let at = 0; at < batches.length;) {
    const size = wholeBatchSize(batches, at);
    const problem = validateBatch(batches, at);
    if (problem !== undefined) throw new CorruptRecordError(`batch at byte ${at}: ${problem}`);
    views.push({ position: at, size, header: readBatchHeader(batches, at) });
    at += size;
  }
  return views;
}

/**
 * The batches of a produce request, checked as Kafka checks them and in the same order: base
 * offset 0 (INVALID_RECORD), max.message.bytes (MESSAGE_TOO_LARGE), CRC, magic and counts
 * (CORRUPT_MESSAGE), then LogValidator's rules for client batches (INVALID_RECORD), and the
 * records themselves (CORRUPT_MESSAGE), so that a batch no consumer could read is never stored.
 */
export function validateProducedBatches(batches: Buffer, origin: AppendOrigin, maxMessageBytes: number): BatchView[] {
  const views: BatchView[] = [];
  for (let at = 0; at < batches.length;) {
    const size = wholeBatchSize(batches, at);
    const header = readBatchHeader(batches, at);
    const client = origin === 'client';
    if (client && header.magic === 2 && header.baseOffset !== 0n) {
      throw new InvalidRecordError(`batch at byte ${at} has base offset ${header.baseOffset}, clients must send 0`);
    }
    if (size > maxMessageBytes) throw new RecordTooLargeError(`batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`);
    const problem = validateBatch(batches, at);
    if (problem !== undefined) throw new CorruptRecordError(`batch at byte ${at}: ${problem}`);
    if (client && (header.recordCount <= 0 || header.lastOffsetDelta + 1 !== header.recordCount)) {
      throw new InvalidRecordError(`batch at byte ${at} has ${header.recordCount} records but last offset delta ${header.lastOffsetDelta}`);
    }
    if (client && isControlBatch(header.attributes)) throw new InvalidRecordError('clients may not write control batches');
    if (client && hasProducerId(header) && header.baseSequence < 0) {
      throw new InvalidRecordError(`batch of producer ${header.producerId} has no sequence number`);
    }
    if (client) checkRecords(batches, at, size, maxMessageBytes);
    views.push({ position: at, size, header });
    at += size;
  }
  return views;
}

function wholeBatchSize(batches: Buffer, at: number): number {
  const size = batchSizeAt(batches, at);
  if (size < BATCH_HEADER_SIZE || at + size > batches.length) {
    throw new CorruptRecordError(`incomplete batch at byte ${at} of ${batches.length}`);
  }
  return size;
}

/**
 * Every record of a client batch must parse (varints, lengths, header counts) and the batch must
 * hold exactly its declared count, as Kafka's LogValidator finds when it iterates the records.
 * Compressed batches are decompressed for this (at most max.message.bytes × 64 bytes, a zip bomb
 * guard); codecs broker-ts cannot decompress (snappy, lz4, zstd) are stored unchecked.
 */
function checkRecords(batches: Buffer, at: number, size: number, maxMessageBytes: number): void {
  const codec = compressionOf(batches.readInt16BE(at + Offsets.attributes));
  if (codec > Compression.Zstd) throw new CorruptRecordError(`batch at byte ${at}: unknown compression codec ${codec}`);
  try {
    const { consumed, available } = measureRecordBatch(batches.subarray(0, at + size), at, {
      verify: false,
      maxDecompressedBytes: Math.max(1 << 20, maxMessageBytes * 64),
    });
    if (consumed !== available) throw new CorruptRecordError(`batch at byte ${at}: ${available - consumed} bytes follow its last record`);
  } catch (error) {
    if (error instanceof UnsupportedCompressionError) return;
    if (error instanceof ProtocolError) throw new CorruptRecordError(`batch at byte ${at}: ${error.message}`);
    throw error;
  }
}
