// A file of fixed-size entries kept whole in memory: lookups are binary searches over the buffer,
// appends go to memory first and reach the file in writePending(). Kafka memory-maps these files;
// Node has no mmap, and keeping the entries in memory gives the same lookup cost.
import fs from 'node:fs';
import { fsyncFd } from './durable-fs.js';

export class IndexFile {
  protected data: Buffer;
  private count = 0;
  /** Leading entries known to be identical in the file. */
  private persisted = 0;
  private fileBytes = 0;
  private fd: number | undefined;
  private syncsInFlight = 0;
  private closeWhenIdle = false;
  private unsynced = false;
  /** Whether the file was there when loaded. */
  readonly existed: boolean;
  /** Bytes of an incomplete trailing entry found when loading: a sign of a torn or foreign file. */
  readonly trailingBytes: number;

  protected constructor(
    readonly path: string,
    readonly entrySize: number,
    readonly maxEntries: number,
    load: boolean,
  ) {
    let content: Buffer | undefined;
    if (load) {
      try {
        content = fs.readFileSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    this.existed = content !== undefined;
    const loadedEntries = content === undefined ? 0 : Math.min(Math.floor(content.length / entrySize), maxEntries);
    this.trailingBytes = content === undefined ? 0 : content.length - Math.floor(content.length / entrySize) * entrySize;
    this.data = Buffer.alloc(Math.max(loadedEntries, 64) * entrySize);
    content?.copy(this.data, 0, 0, loadedEntries * entrySize);
    this.count = loadedEntries;
    this.persisted = loadedEntries;
    this.fileBytes = content?.length ?? 0;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Whether entries or truncations have not reached the file or its fsync yet. */
  get hasUnsyncedChanges(): boolean {
    return this.unsynced || this.persisted < this.count || this.fileBytes > this.count * this.entrySize;
  }

  /** Makes room for one more entry and returns its byte position in `data`. */
  protected reserveEntry(): number {
    if (this.count >= this.maxEntries) throw new RangeError(`index ${this.path} is full (${this.maxEntries} entries)`);
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.data.length) {
      const grown = Buffer.alloc(Math.min(this.data.length * 2, this.maxEntries * this.entrySize));
      this.data.copy(grown, 0, 0, at);
      this.data = grown;
    }
    this.count += 1;
    return at;
  }

  protected truncateEntries(entries: number): void {
    this.count = Math.min(this.count, entries);
    this.persisted = Math.min(this.persisted, this.count);
  }

  /** Writes what memory has and the file lacks, and cuts what the file has beyond it. */
  writePending(): void {
    this.fd ??= fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    const keep = this.persisted * this.entrySize;
    if (this.fileBytes > keep) {
      fs.ftruncateSync(this.fd, keep);
      this.fileBytes = keep;
      this.unsynced = true;
    }
    if (this.count > this.persisted) {
      const length = (this.count - this.persisted) * this.entrySize;
      writeFully(this.fd, this.data, keep, length, keep);
      this.fileBytes = keep + length;
      this.persisted = this.count;
      this.unsynced = true;
    }
  }

  async fsync(): Promise<void> {
    if (this.fd === undefined || !this.unsynced) return;
    this.unsynced = false;
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

  /** Releases the file descriptor; an fsync in flight keeps it until it completes. */
  close(): void {
    if (this.syncsInFlight > 0) this.closeWhenIdle = true;
    else this.closeNow();
  }

  delete(): void {
    this.close();
    fs.rmSync(this.path, { force: true });
  }

  private closeNow(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export function writeFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
  }
}
