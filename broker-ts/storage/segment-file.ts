// The .log file of one segment: batches byte for byte, back to back. Recently appended batches stay
// in memory too (a tail cache for consumers that follow the end of the log).
import fs from 'node:fs';
import { BATCH_HEADER_SIZE, batchSizeAt, readBatchHeader } from '@kafka-chaos/protocol';
import type { BatchHeader } from '@kafka-chaos/protocol';
import { fsyncFd } from './durable-fs.js';
import { writeFully } from './index-file.js';

export interface SegmentFileOptions {
  /** broker.ts.bug.flush.skips.fsync (unsafe on purpose). */
  flushSkipsFsync: boolean;
  tailCacheBytes: number;
  /** Bytes appended between background writebacks of the file's data; 0 leaves writeback to the kernel. */
  writebackBytes: number;
}

/** A batch being appended: where it sits in the appended buffer and which offsets it holds. */
export interface AppendedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  position: number;
  size: number;
}

export interface StoredBatch {
  position: number;
  size: number;
  header: BatchHeader;
  /** The whole batch, when asked for; only valid until the iteration moves on. */
  bytes?: Buffer;
}

interface CachedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  position: number;
  bytes: Buffer;
}

const SCAN_CHUNK_BYTES = 64 * 1024;
/**
 * Background writebacks running at once, over all files: each holds one of libuv's four worker
 * threads for tens of milliseconds, and the fsyncs that flushes and the metadata log wait for need
 * threads too.
 */
const MAX_WRITEBACKS_IN_FLIGHT = 2;
let writebacksInFlight = 0;

export class SegmentFile {
  private fd: number | undefined;
  private sizeInBytes: number;
  /** Slots before cacheHead are evicted and emptied, so that their bytes can be collected. */
  private cache: (CachedBatch | undefined)[] = [];
  private cacheHead = 0;
  private cacheBytes = 0;
  private unsynced = false;
  private syncsInFlight = 0;
  private closeWhenIdle = false;
  private appendedSinceWriteback = 0;
  private writingBack = false;
  /** Reported by the next fsync: after a failed writeback, the kernel may call the next fsync clean. */
  private writebackError: Error | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly options: SegmentFileOptions,
  ) {
    this.fd = fd;
    this.sizeInBytes = fs.fstatSync(fd).size;
  }

  static open(path: string, options: SegmentFileOptions): SegmentFile {
    return new SegmentFile(path, fs.openSync(path, fs.constants.O_RDWR), options);
  }

  static create(path: string, options: SegmentFileOptions): SegmentFile {
    const flags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC;
    return new SegmentFile(path, fs.openSync(path, flags, 0o644), options);
  }

  get size(): number {
    return this.sizeInBytes;
  }

  get needsFlush(): boolean {
    return this.unsynced;
  }

  append(bytes: Buffer, batches: readonly AppendedBatch[]): void {
    const start = this.sizeInBytes;
    writeFully(this.requireFd(), bytes, 0, bytes.length, start);
    this.unsynced = true;
    this.appendedSinceWriteback += bytes.length;
    if (this.options.writebackBytes > 0 && this.appendedSinceWriteback >= this.options.writebackBytes) this.maybeWriteBack();
    this.sizeInBytes = start + bytes.length;
    if (this.options.tailCacheBytes > 0) {
      for (const batch of batches) {
        this.cache.push({
          baseOffset: batch.baseOffset,
          lastOffset: batch.lastOffset,
          position: start + batch.position,
          bytes: bytes.subarray(batch.position, batch.position + batch.size),
        });
        this.cacheBytes += batch.size;
      }
    }
    this.evictCache();
  }

  /** The cached batch holding `offset` (or the first one after it), when the cache covers it. */
  cachedBatchFor(offset: bigint): { position: number; size: number; baseOffset: bigint; lastOffset: bigint } | undefined {
    if (this.cacheHead >= this.cache.length || offset < this.cache[this.cacheHead]!.baseOffset) return undefined;
    let low = this.cacheHead;
    let high = this.cache.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.cache[mid]!.lastOffset >= offset) {
        found = mid;
        high = mid - 1;
      } else {
        low = mid + 1;
      }
    }
    if (found < 0) return undefined;
    const batch = this.cache[found]!;
    return { position: batch.position, size: batch.bytes.length, baseOffset: batch.baseOffset, lastOffset: batch.lastOffset };
  }

  /** Bytes [position, position + length); may share memory with the cache, so do not modify them. */
  read(position: number, length: number): Buffer {
    if (length <= 0) return Buffer.alloc(0);
    const end = position + length;
    if (position < 0 || end > this.sizeInBytes) {
      throw new RangeError(`read [${position}, ${end}) outside ${this.path} of ${this.sizeInBytes} bytes`);
    }
    if (position >= this.cacheStart) return this.readCached(position, end);
    const out = Buffer.allocUnsafe(length);
    readFully(this.requireFd(), out, 0, length, position);
    return out;
  }

  /**
   * Batches from `position` on. Stops quietly at anything that is not a whole batch (a torn tail or
   * garbage), so recovery can compare where it stopped with the size.
   */
  *batchesFrom(position: number, withBytes: boolean): Generator<StoredBatch> {
    let at = position;
    let chunk: Buffer | undefined;
    let chunkStart = 0;
    while (at < this.sizeInBytes) {
      if (at >= this.cacheStart) {
        yield* this.cachedBatchesFrom(at, withBytes);
        return;
      }
      const limit = this.sizeInBytes;
      if (chunk === undefined || at < chunkStart || at + BATCH_HEADER_SIZE > chunkStart + chunk.length) {
        const length = Math.min(SCAN_CHUNK_BYTES, limit - at);
        if (length < BATCH_HEADER_SIZE) return;
        chunk = Buffer.allocUnsafe(length);
        readFully(this.requireFd(), chunk, 0, length, at);
        chunkStart = at;
      }
      const relative = at - chunkStart;
      const size = batchSizeAt(chunk, relative);
      if (size < BATCH_HEADER_SIZE || at + size > limit) return;
      const batch: StoredBatch = { position: at, size, header: readBatchHeader(chunk, relative) };
      if (withBytes) {
        if (relative + size <= chunk.length) {
          batch.bytes = chunk.subarray(relative, relative + size);
        } else {
          batch.bytes = Buffer.allocUnsafe(size);
          readFully(this.requireFd(), batch.bytes, 0, size, at);
        }
      }
      yield batch;
      at += size;
    }
  }

  async fsync(): Promise<void> {
    if (this.writebackError !== undefined) {
      const error = this.writebackError;
      this.writebackError = undefined;
      throw error;
    }
    if (this.fd === undefined || !this.unsynced) return;
    this.unsynced = false;
    // broker.ts.bug.flush.skips.fsync: the flush goes on as if the data were on disk.
    if (this.options.flushSkipsFsync) return;
    this.syncsInFlight += 1;
    try {
      await fsyncFd(this.fd);
    } catch (error) {
      this.unsynced = true;
      throw error;
    } finally {
      this.syncsInFlight -= 1;
      if (this.closeWhenIdle && this.syncsInFlight === 0) this.closeNow();
    }
  }

  /**
   * Starts writing the file's data to disk on a worker thread, unless this file or too many others
   * are being written back already; appends go on meanwhile. Left alone,
   * the kernel starts writing back only once dirty pages pass vm.dirty_background_ratio (over 2 GB
   * on a 24 GB machine), and then writes gigabytes at once. Appends to a file being written back
   * wait in the file system (in ext4_da_get_block_prep), and on one thread that wait stops the
   * whole broker: under the Java producer at 1 KiB, throughput halved for two seconds each time.
   * Not a flush: the recovery point does not move.
   */
  private maybeWriteBack(): void {
    if (this.writingBack || writebacksInFlight >= MAX_WRITEBACKS_IN_FLIGHT) return;
    const fd = this.requireFd();
    this.appendedSinceWriteback = 0;
    this.writingBack = true;
    writebacksInFlight += 1;
    this.syncsInFlight += 1;
    fs.fdatasync(fd, (error) => {
      this.writingBack = false;
      writebacksInFlight -= 1;
      if (error !== null) this.writebackError ??= error;
      this.syncsInFlight -= 1;
      if (this.closeWhenIdle && this.syncsInFlight === 0) this.closeNow();
    });
  }

  /** Cuts the segment to `size` bytes, which must be a batch boundary. */
  truncateTo(size: number): void {
    if (size > this.sizeInBytes) throw new RangeError(`cannot truncate ${this.path} to ${size} > ${this.sizeInBytes}`);
    while (this.cache.length > this.cacheHead && this.cache.at(-1)!.position >= size) {
      this.cacheBytes -= this.cache.pop()!.bytes.length;
    }
    const last = this.cache.at(-1);
    if (this.cache.length > this.cacheHead && last !== undefined && last.position + last.bytes.length > size) {
      throw new RangeError(`${this.path}: ${size} is inside the batch at ${last.position}`);
    }
    if (size < this.sizeInBytes) {
      fs.ftruncateSync(this.requireFd(), size);
      this.unsynced = true;
    }
    this.sizeInBytes = size;
  }

  /** Releases the file descriptor without writing anything; an fsync in flight keeps it until done. */
  close(): void {
    if (this.syncsInFlight > 0) this.closeWhenIdle = true;
    else this.closeNow();
  }

  delete(): void {
    this.close();
    fs.rmSync(this.path, { force: true });
  }

  private get cacheStart(): number {
    return this.cacheHead < this.cache.length ? this.cache[this.cacheHead]!.position : this.sizeInBytes;
  }

  private *cachedBatchesFrom(position: number, withBytes: boolean): Generator<StoredBatch> {
    for (let i = this.cachedIndexAt(position); i < this.cache.length; i++) {
      const batch = this.cache[i]!;
      const stored: StoredBatch = { position: batch.position, size: batch.bytes.length, header: readBatchHeader(batch.bytes) };
      if (withBytes) stored.bytes = batch.bytes;
      yield stored;
    }
  }

  private readCached(position: number, end: number): Buffer {
    const first = this.cachedIndexAt(position);
    const firstBatch = this.cache[first]!;
    const from = position - firstBatch.position;
    if (end <= firstBatch.position + firstBatch.bytes.length) return firstBatch.bytes.subarray(from, end - firstBatch.position);
    const pieces: Buffer[] = [firstBatch.bytes.subarray(from)];
    for (let i = first + 1; i < this.cache.length; i++) {
      const batch = this.cache[i]!;
      if (batch.position >= end) break;
      pieces.push(batch.bytes.subarray(0, Math.min(batch.bytes.length, end - batch.position)));
    }
    return Buffer.concat(pieces, end - position);
  }

  /** Index of the cached batch containing byte `position`. */
  private cachedIndexAt(position: number): number {
    let low = this.cacheHead;
    let high = this.cache.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.cache[mid]!.position <= position) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private evictCache(): void {
    while (this.cacheHead < this.cache.length && this.cacheBytes > this.options.tailCacheBytes) {
      const oldest = this.cache[this.cacheHead]!;
      this.cacheBytes -= oldest.bytes.length;
      this.cache[this.cacheHead] = undefined;
      this.cacheHead += 1;
    }
    if (this.cacheHead > 1024 && this.cacheHead * 2 > this.cache.length) {
      this.cache = this.cache.slice(this.cacheHead);
      this.cacheHead = 0;
    }
  }

  private requireFd(): number {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    return this.fd;
  }

  private closeNow(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const read = fs.readSync(fd, buf, offset + done, length - done, position + done);
    if (read === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += read;
  }
}
