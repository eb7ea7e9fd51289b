// A node's disk rebuilt from a trace, op by op, with the same rules as the unsynced filesystem's
// journal (harness/unsynced-fs/journal.go), so that an image of a crash point is what a power cut
// at that point would have left:
//   - a file keeps the bytes and size it had at its last fsync; synced bytes overwritten or
//     truncated away since are saved so they can be put back;
//   - a name created since its directory's last fsync is gone, with all it holds; unlink, rmdir
//     and rename are durable at once (a renamed name too); names inside a renamed dir keep their state.
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { bytesOf, type Trace, type TraceOp } from './trace.js';

interface Span {
  off: number;
  data: Buffer;
}

class FileContent {
  /** Room for the written bytes: `written` of them are in use; past those (up to `size`) the file holds zeros. */
  private room = Buffer.alloc(0);
  private written = 0;
  size = 0;
  private syncedSize = 0;
  /** Synced bytes changed since the last fsync, as they were. */
  private saved: Span[] = [];

  static synced(data: Buffer): FileContent {
    const file = new FileContent();
    file.write(0, data);
    file.fsync();
    return file;
  }

  private get bytes(): Buffer {
    return this.room.subarray(0, this.written);
  }

  private byteAt(i: number): number {
    return i < this.written ? this.room[i]! : 0;
  }

  /** Saves the synced bytes in [from, to) not saved yet. */
  private preserve(from: number, to: number): void {
    to = Math.min(to, this.syncedSize);
    for (let i = from; i < to;) {
      const covering = this.saved.find((s) => s.off <= i && i < s.off + s.data.length);
      if (covering) {
        i = covering.off + covering.data.length;
        continue;
      }
      const next = Math.min(to, ...this.saved.filter((s) => s.off > i).map((s) => s.off));
      const data = Buffer.alloc(next - i);
      for (let b = i; b < next; b++) data[b - i] = this.byteAt(b);
      this.saved.push({ off: i, data });
      i = next;
    }
  }

  write(off: number, data: Buffer): void {
    this.preserve(off, off + data.length);
    const end = off + data.length;
    if (end > this.room.length) {
      const grown = Buffer.alloc(Math.max(end, this.room.length * 2));
      this.room.copy(grown, 0, 0, this.written);
      this.room = grown;
    }
    data.copy(this.room, off);
    this.written = Math.max(this.written, end);
    this.size = Math.max(this.size, end);
  }

  truncate(size: number): void {
    this.preserve(size, Number.MAX_SAFE_INTEGER);
    if (size < this.written) {
      this.room.fill(0, size, this.written);
      this.written = size;
    }
    this.size = size;
  }

  extend(size: number): void {
    this.size = Math.max(this.size, size);
  }

  fsync(): void {
    this.syncedSize = this.size;
    this.saved = [];
  }

  /** The bytes as they are now. */
  current(): { data: Buffer; size: number } {
    return { data: this.bytes.subarray(0, Math.min(this.written, this.size)), size: this.size };
  }

  /** The bytes a power cut would leave. */
  afterPowerCut(): { data: Buffer; size: number } {
    const data = Buffer.alloc(Math.min(this.syncedSize, Math.max(this.written, ...this.saved.map((s) => s.off + s.data.length))));
    this.room.copy(data, 0, 0, Math.min(this.written, data.length));
    for (const s of this.saved) s.data.copy(data, s.off);
    return { data, size: this.syncedSize };
  }
}

interface Entry {
  ino: number;
  dir: boolean;
}

/** What a crash leaves: a power cut (only what was fsynced), or everything written (a process crash). */
export type ImageKind = 'power-cut' | 'everything-written';

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

export class DiskModel {
  private readonly files = new Map<number, FileContent>();
  private readonly names = new Map<string, Entry>();
  /** Names created since their directory's last fsync. */
  private readonly newNames = new Set<string>();
  /** How many ops were applied. */
  applied = 0;

  constructor(private readonly trace: Trace) {}

  private file(ino: number, path: string): FileContent {
    let file = this.files.get(ino);
    if (file === undefined) {
      // A file the trace met first through a write: it was there before, empty to the trace's knowledge.
      if (!this.names.has(path)) throw new HarnessError(`trace op ${this.applied}: ${path} (inode ${ino}) was never created`);
      file = new FileContent();
      this.files.set(ino, file);
    }
    return file;
  }

  /** Applies the next op of the trace. */
  apply(op: TraceOp): void {
    switch (op.op) {
      case 'base':
        this.names.set(op.path, { ino: op.ino, dir: op.dir === true });
        if (op.dir !== true) this.files.set(op.ino, FileContent.synced(bytesOf(this.trace, op)));
        break;
      case 'create':
        this.names.set(op.path, { ino: op.ino, dir: op.dir === true });
        this.newNames.add(op.path);
        if (op.dir !== true) this.files.set(op.ino, new FileContent());
        break;
      case 'link':
        this.names.set(op.path, { ino: op.ino, dir: false });
        this.newNames.add(op.path);
        break;
      case 'write': {
        this.file(op.ino, op.path).write(op.off ?? 0, bytesOf(this.trace, op));
        break;
      }
      case 'truncate':
        this.file(op.ino, op.path).truncate(op.size ?? 0);
        break;
      case 'allocate':
        this.file(op.ino, op.path).extend((op.off ?? 0) + op.len);
        break;
      case 'fsync':
        this.file(op.ino, op.path).fsync();
        break;
      case 'fsyncdir': {
        const dir = op.path ?? '';
        for (const name of this.newNames) if (parentOf(name) === dir) this.newNames.delete(name);
        break;
      }
      case 'unlink':
      case 'rmdir':
        this.remove(op.path);
        break;
      case 'rename':
        this.rename(op.path, op.to);
        break;
    }
    this.applied += 1;
  }

  private remove(path: string): void {
    for (const name of [...this.names.keys()]) if (within(name, path)) this.names.delete(name);
    for (const name of [...this.newNames]) if (within(name, path)) this.newNames.delete(name);
  }

  private rename(from: string, to: string): void {
    this.remove(to);
    const moved: [string, Entry][] = [];
    for (const [name, entry] of this.names) if (within(name, from)) moved.push([to + name.slice(from.length), entry]);
    const newInside = [...this.newNames].filter((name) => name !== from && within(name, from)).map((name) => to + name.slice(from.length));
    this.remove(from);
    for (const [name, entry] of moved) this.names.set(name, entry);
    for (const name of newInside) this.newNames.add(name);
  }

  /** Whether a power cut keeps the name: neither it nor a directory above it is new. */
  private durable(path: string): boolean {
    for (let p = path; p !== ''; p = parentOf(p)) if (this.newNames.has(p)) return false;
    return true;
  }

  /** Writes the disk as `kind` leaves it into `dir` (which must be empty or absent). */
  writeImage(dir: string, kind: ImageKind): { files: number; bytes: number } {
    mkdirSync(dir, { recursive: true });
    let files = 0;
    let bytes = 0;
    const paths = [...this.names.keys()]
      .filter((p) => kind === 'everything-written' || this.durable(p))
      .sort((a, b) => a.split('/').length - b.split('/').length);
    for (const path of paths) {
      const entry = this.names.get(path)!;
      const target = join(dir, path);
      if (entry.dir) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      const content = this.files.get(entry.ino);
      const { data, size } = content === undefined ? { data: Buffer.alloc(0), size: 0 } : kind === 'power-cut' ? content.afterPowerCut() : content.current();
      const fd = openSync(target, 'w');
      try {
        writeSync(fd, data);
        if (size > data.length) ftruncateSync(fd, size);
      } finally {
        closeSync(fd);
      }
      files += 1;
      bytes += size;
    }
    return { files, bytes };
  }
}
