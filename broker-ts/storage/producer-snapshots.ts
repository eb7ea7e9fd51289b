// Producer state snapshots, <offset>.snapshot: the state of every producer after all batches below
// <offset>. Opening a log loads the latest one and replays only the batches after it. Unlike Kafka's
// snapshots, which keep only each producer's last batch, these keep all five, so retries of any of
// them are still recognised as duplicates after a restart.
//
// Layout (big endian): version int16 = 1, crc32c uint32 of everything after it, count int32, then
// per producer: id int64, epoch int16, coordinatorEpoch int32, lastTimestamp int64,
// currentTxnFirstOffset int64 (-1 for none), batch count int8, then per batch:
// lastSeq int32, lastOffset int64, offsetDelta int32, timestamp int64.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@kafka-chaos/protocol';
import { writeFileDurably } from './durable-fs.js';
import { PRODUCER_SNAPSHOT_SUFFIX, offsetFileName, parseOffsetFileName } from './log-file-names.js';
import type { BatchMetadata, ProducerStateEntry } from './producer-state.js';

const VERSION = 1;
const HEADER_SIZE = 10;
const ENTRY_SIZE = 8 + 2 + 4 + 8 + 8 + 1;
const BATCH_SIZE = 4 + 8 + 4 + 8;

export class CorruptSnapshotError extends Error {}

export function encodeProducerSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries];
  const size = HEADER_SIZE + list.reduce((sum, e) => sum + ENTRY_SIZE + e.batches.length * BATCH_SIZE, 0);
  const buf = Buffer.alloc(size);
  buf.writeInt16BE(VERSION, 0);
  buf.writeInt32BE(list.length, 6);
  let at = HEADER_SIZE;
  for (const entry of list) {
    at = buf.writeBigInt64BE(entry.producerId, at);
    at = buf.writeInt16BE(entry.producerEpoch, at);
    at = buf.writeInt32BE(entry.coordinatorEpoch, at);
    at = buf.writeBigInt64BE(entry.lastTimestamp, at);
    at = buf.writeBigInt64BE(entry.currentTxnFirstOffset ?? -1n, at);
    at = buf.writeInt8(entry.batches.length, at);
    for (const batch of entry.batches) {
      at = buf.writeInt32BE(batch.lastSeq, at);
      at = buf.writeBigInt64BE(batch.lastOffset, at);
      at = buf.writeInt32BE(batch.offsetDelta, at);
      at = buf.writeBigInt64BE(batch.timestamp, at);
    }
  }
  buf.writeUInt32BE(crc32c(buf, 6), 2);
  return buf;
}

export function decodeProducerSnapshot(buf: Buffer): ProducerStateEntry[] {
  if (buf.length < HEADER_SIZE) throw new CorruptSnapshotError(`snapshot of ${buf.length} bytes is too short`);
  const version = buf.readInt16BE(0);
  if (version !== VERSION) throw new CorruptSnapshotError(`unknown snapshot version ${version}`);
  if (buf.readUInt32BE(2) !== crc32c(buf, 6)) throw new CorruptSnapshotError('snapshot CRC mismatch');
  const count = buf.readInt32BE(6);
  const entries: ProducerStateEntry[] = [];
  let at = HEADER_SIZE;
  try {
    for (let i = 0; i < count; i++) {
      const producerId = buf.readBigInt64BE(at);
      const producerEpoch = buf.readInt16BE(at + 8);
      const coordinatorEpoch = buf.readInt32BE(at + 10);
      const lastTimestamp = buf.readBigInt64BE(at + 14);
      const txnFirstOffset = buf.readBigInt64BE(at + 22);
      const batchCount = buf.readInt8(at + 30);
      at += ENTRY_SIZE;
      const batches: BatchMetadata[] = [];
      for (let b = 0; b < batchCount; b++) {
        batches.push({
          lastSeq: buf.readInt32BE(at),
          lastOffset: buf.readBigInt64BE(at + 4),
          offsetDelta: buf.readInt32BE(at + 12),
          timestamp: buf.readBigInt64BE(at + 16),
        });
        at += BATCH_SIZE;
      }
      entries.push({
        producerId,
        producerEpoch,
        batches,
        coordinatorEpoch,
        lastTimestamp,
        currentTxnFirstOffset: txnFirstOffset < 0n ? undefined : txnFirstOffset,
      });
    }
  } catch (error) {
    if (error instanceof RangeError) throw new CorruptSnapshotError('snapshot ends inside an entry');
    throw error;
  }
  if (at !== buf.length) throw new CorruptSnapshotError(`${buf.length - at} bytes after the last entry`);
  return entries;
}

export function snapshotPath(dir: string, offset: bigint): string {
  return path.join(dir, offsetFileName(offset, PRODUCER_SNAPSHOT_SUFFIX));
}

/** Offsets of the snapshots in `dir`, ascending. */
export function listSnapshotOffsets(dir: string): bigint[] {
  return fs
    .readdirSync(dir)
    .map((name) => parseOffsetFileName(name, PRODUCER_SNAPSHOT_SUFFIX))
    .filter((offset): offset is bigint => offset !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function readSnapshot(dir: string, offset: bigint): ProducerStateEntry[] {
  return decodeProducerSnapshot(fs.readFileSync(snapshotPath(dir, offset)));
}

/** The entries are encoded now; only the durable write happens in the background. */
export function writeSnapshot(dir: string, offset: bigint, entries: Iterable<ProducerStateEntry>): Promise<void> {
  return writeFileDurably(snapshotPath(dir, offset), encodeProducerSnapshot(entries));
}

export function deleteSnapshot(dir: string, offset: bigint): void {
  fs.rmSync(snapshotPath(dir, offset), { force: true });
}
