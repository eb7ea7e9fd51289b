// File-system operations whose point is durability. They are asynchronous so that an fsync never
// blocks the broker's event loop.
import fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { TEMP_FILE_SUFFIX } from './log-file-names.js';

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
}

/** Makes file creations, renames and deletions in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` so that after a crash it holds either the old or the new content, never a mix:
 * write a temporary file, fsync it, rename it over the target, fsync the directory.
 */
let tempFileCounter = 0;

export async function writeFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  // Unique, so that two writes of the same file cannot interleave in one temporary file.
  const temp = `${file}.${process.pid}-${++tempFileCounter}${TEMP_FILE_SUFFIX}`;
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, file);
  await fsyncDirectory(path.dirname(file));
}

/** fsyncDirectory, blocking: for the few writes that must be durable before anything else happens. */
export function fsyncDirectorySync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** writeFileDurably, blocking (start-up files, Raft's vote). */
export function writeFileDurablySync(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}-${++tempFileCounter}${TEMP_FILE_SUFFIX}`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  fsyncDirectorySync(path.dirname(file));
}

/** The directories of `dir`'s path that do not exist yet, outermost first. */
function missingDirectories(dir: string): string[] {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  return missing;
}

/**
 * Creates `dir` and its missing parents, each made durable in its parent: a directory whose name
 * was never fsynced into its parent can vanish in a power loss, with everything in it. The fsyncs
 * run off the event loop: a broker creates a hundred partitions at once for its internal topics.
 */
export async function createDirectoryDurably(dir: string): Promise<void> {
  const missing = missingDirectories(dir);
  if (missing.length === 0) return;
  await fsp.mkdir(dir, { recursive: true });
  for (const d of missing) await fsyncDirectory(path.dirname(d));
}

/** createDirectoryDurably, blocking (start-up, before the broker serves anyone). */
export function createDirectoryDurablySync(dir: string): void {
  const missing = missingDirectories(dir);
  if (missing.length === 0) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const d of missing) fsyncDirectorySync(path.dirname(d));
}
