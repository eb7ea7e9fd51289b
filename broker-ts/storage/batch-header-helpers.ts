// Header helpers record-batch.ts does not have: producer sequence arithmetic and the LogAppendTime
// rewrite. Like record-batch.ts they never decode the records.
import { Attributes, Offsets, writeBatchCrc } from '@kafka-chaos/protocol';
import type { BatchHeader } from '@kafka-chaos/protocol';

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_TIMESTAMP = -1n;
export const NO_PARTITION_LEADER_EPOCH = -1;

const INT32_MAX = 0x7fffffff;

/** Sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

export function isNextSequence(lastSequence: number, nextSequence: number): boolean {
  return nextSequence === lastSequence + 1 || (nextSequence === 0 && lastSequence === INT32_MAX);
}

export function lastSequenceOf(header: BatchHeader): number {
  if (header.baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  return incrementSequence(header.baseSequence, header.lastOffsetDelta);
}

export function hasProducerId(header: BatchHeader): boolean {
  return header.producerId > NO_PRODUCER_ID;
}

/**
 * Marks the batch at `at` as LogAppendTime with `timestamp` as its max timestamp. Both fields are
 * covered by the CRC, so it is recomputed; the records keep their own (now ignored) timestamps.
 */
export function stampLogAppendTime(buf: Buffer, timestamp: bigint, at = 0): void {
  const attributes = buf.readInt16BE(at + Offsets.attributes);
  buf.writeInt16BE(attributes | Attributes.timestampTypeLogAppend, at + Offsets.attributes);
  buf.writeBigInt64BE(timestamp, at + Offsets.maxTimestamp);
  writeBatchCrc(buf, at);
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & Attributes.timestampTypeLogAppend) !== 0;
}
