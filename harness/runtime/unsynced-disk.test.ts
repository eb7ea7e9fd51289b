// The unsynced filesystem on a real FUSE mount: what a power cut keeps is exactly what was fsynced
// (bytes of a file, names in a directory), what it drops is reported and kept for the harness, and
// a clean unmount keeps everything.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncPath } from '../fsync-path.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortFuseConnection, mountsUnder } from './mounts.js';
import { supervisor } from './supervisor.js';
import { UNSYNCED_FS_SOURCE_NAME, UnsyncedDisk } from './unsynced-disk.js';

const sup = supervisor();
const root = sup.tempDir('unsynced-disk-test');
const logDir = join(root, 'logs');

/** Writes `text` at the end of `file` (created if needed), with an fsync after it if asked. */
function append(file: string, text: string, sync = false): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, text);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function diskWith(name: string, files: Record<string, string>): Promise<UnsyncedDisk> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return UnsyncedDisk.mountOver(sup, 1, dir, join(logDir, name));
}

afterAll(() => sup.forgetTempDir(root));

describe('the unsynced filesystem', () => {
  let disk: UnsyncedDisk;
  beforeAll(async () => {
    // What is there before the mount counts as on disk (a formatted data dir).
    disk = await diskWith('cut', { 'meta.properties': 'node.id=1\n', 'old.log': 'synced-before-mount|' });
  });

  it('mounts over the data dir, which shows what the dir held', () => {
    expect(mountsUnder(disk.mountPoint).map((m) => m.source)).toEqual([UNSYNCED_FS_SOURCE_NAME]);
    expect(readdirSync(disk.mountPoint).sort()).toEqual(['meta.properties', 'old.log']);
  });

  it('a power cut keeps exactly what was fsynced and reports and keeps what it dropped', async () => {
    const dir = disk.mountPoint;
    // A file's tail past its last fsync.
    append(join(dir, 'old.log'), 'fsynced|', true);
    append(join(dir, 'old.log'), 'not-fsynced');
    // Synced bytes overwritten and a file truncated, without an fsync since: both undone.
    const fd = openSync(join(dir, 'meta.properties'), 'r+');
    writeSync(fd, 'XXXX', 0);
    closeSync(fd);
    // A new partition dir whose name was fsynced into the data dir, holding a file fsynced into it.
    mkdirSync(join(dir, 'topic-0'));
    fsyncPath(dir);
    append(join(dir, 'topic-0', '0.log'), 'kept', true);
    fsyncPath(join(dir, 'topic-0'));
    // A new file fsynced, but its name never fsynced into its directory: gone, bytes and all.
    append(join(dir, 'topic-0', 'lost-name.log'), 'lost-with-its-name', true);
    // A checkpoint replaced as brokers do: temp file fsynced, renamed over the old one, dir fsynced.
    writeFileSync(join(dir, 'checkpoint'), 'v1');
    fsyncPath(join(dir, 'checkpoint'));
    fsyncPath(dir);
    writeFileSync(join(dir, 'checkpoint.tmp'), 'v2');
    fsyncPath(join(dir, 'checkpoint.tmp'));
    renameSync(join(dir, 'checkpoint.tmp'), join(dir, 'checkpoint'));
    fsyncPath(dir);
    const trunc = openSync(join(dir, 'checkpoint'), 'r+');
    ftruncateSync(trunc, 0);
    closeSync(trunc);

    const cut = await disk.powerCut();

    expect(readFileSync(join(dir, 'old.log'), 'utf8')).toBe('synced-before-mount|fsynced|');
    expect(readFileSync(join(dir, 'meta.properties'), 'utf8')).toBe('node.id=1\n');
    expect(readFileSync(join(dir, 'topic-0', '0.log'), 'utf8')).toBe('kept');
    expect(existsSync(join(dir, 'topic-0', 'lost-name.log'))).toBe(false);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe('v2');

    const oldLog = cut.files.find((f) => f.path === 'old.log')!;
    expect(oldLog).toMatchObject({ syncedSize: 'synced-before-mount|fsynced|'.length, droppedTail: 'not-fsynced'.length, restored: 0 });
    expect(readFileSync(join(cut.keptIn, oldLog.keptAs!), 'utf8')).toBe('not-fsynced');
    expect(cut.files.find((f) => f.path === 'meta.properties')).toMatchObject({ droppedTail: 0, restored: 4 });
    expect(cut.files.find((f) => f.path === 'checkpoint')).toMatchObject({ droppedTail: 0, restored: 2 });
    const lostName = cut.entries.find((e) => e.path === 'topic-0/lost-name.log')!;
    expect(lostName.bytes).toBe('lost-with-its-name'.length);
    expect(readFileSync(join(cut.keptIn, lostName.keptAs!), 'utf8')).toBe('lost-with-its-name');
    expect(cut.entries.map((e) => e.path)).toEqual(['topic-0/lost-name.log']);
    expect(cut.syncsSeen).toBeGreaterThanOrEqual(8);
    expect(JSON.parse(readFileSync(cut.reportFile, 'utf8')).files.length).toBe(cut.files.length);
  });

  it('mounts again after a cut, and a second cut starts from what the first one kept', async () => {
    expect(mountsUnder(disk.mountPoint)).toHaveLength(1);
    mkdirSync(join(disk.mountPoint, 'never-synced-dir'));
    append(join(disk.mountPoint, 'never-synced-dir', 'f'), 'x', true);
    append(join(disk.mountPoint, 'old.log'), 'again');
    const cut = await disk.powerCut();
    expect(cut.entries.map((e) => e.path)).toEqual(['never-synced-dir', 'never-synced-dir/f']);
    expect(existsSync(join(disk.mountPoint, 'never-synced-dir'))).toBe(false);
    expect(readFileSync(join(disk.mountPoint, 'old.log'), 'utf8')).toBe('synced-before-mount|fsynced|');
    expect(cut.reportFile).not.toBe(join(logDir, 'cut', 'power-cut-1.json'));
  });

  it('a clean unmount keeps everything, fsynced or not', async () => {
    const other = await diskWith('clean', { 'a.log': 'a' });
    append(join(other.mountPoint, 'a.log'), '-unsynced');
    writeFileSync(join(other.mountPoint, 'new-name'), 'n');
    await other.unmount();
    expect(mountsUnder(other.mountPoint)).toHaveLength(0);
    expect(readFileSync(join(other.backing, 'a.log'), 'utf8')).toBe('a-unsynced');
    expect(readFileSync(join(other.backing, 'new-name'), 'utf8')).toBe('n');
  });

  it('fails the calls a rule names with EIO, counts them, and stops when healed', async () => {
    const other = await diskWith('eio', { 'keep.txt': 'k' });
    try {
      mkdirSync(join(other.mountPoint, 'chaos-0'));
      writeFileSync(join(other.mountPoint, 'chaos-0', 'a.log'), 'before');
      await other.failIo({ paths: 'chaos-0/*', calls: ['write', 'fsync'] });
      expect(() => append(join(other.mountPoint, 'chaos-0', 'a.log'), 'during')).toThrow(/EIO/);
      expect(() => fsyncPath(join(other.mountPoint, 'chaos-0', 'a.log'))).toThrow(/EIO/);
      // Files the rule does not name, and reads, still work.
      append(join(other.mountPoint, 'keep.txt'), 'k', true);
      expect(readFileSync(join(other.mountPoint, 'chaos-0', 'a.log'), 'utf8')).toBe('before');
      expect(await other.failedCalls()).toEqual({ write: 1, fsync: 1 });
      expect(await other.healIo()).toEqual({ write: 1, fsync: 1 });
      append(join(other.mountPoint, 'chaos-0', 'a.log'), '-after', true);
      expect(readFileSync(join(other.mountPoint, 'chaos-0', 'a.log'), 'utf8')).toBe('before-after');
      await expect(other.failIo({ paths: '', calls: [] })).rejects.toThrow(/needs a rule with calls/);
    } finally {
      await other.unmount();
    }
  });

  it('a wiped node gets its data dir formatted again and mounted anew', async () => {
    const other = await diskWith('wipe', { 'meta.properties': 'old', 'chaos-0.log': 'data' });
    try {
      await other.reformat(async () => {
        // The launcher formats a fresh dir where the data dir was (the mount is gone by then).
        expect(mountsUnder(other.mountPoint)).toHaveLength(0);
        mkdirSync(other.mountPoint, { recursive: true });
        writeFileSync(join(other.mountPoint, 'meta.properties'), 'new');
      });
      expect(mountsUnder(other.mountPoint).map((m) => m.source)).toEqual([UNSYNCED_FS_SOURCE_NAME]);
      expect(readdirSync(other.mountPoint)).toEqual(['meta.properties']);
      // What the format wrote is on the disk: a power cut keeps it.
      expect((await other.powerCut()).entries).toEqual([]);
      expect(readFileSync(join(other.mountPoint, 'meta.properties'), 'utf8')).toBe('new');
    } finally {
      await other.unmount();
    }
  });

  it('its FUSE connection can be aborted, the way out of a hung filesystem', async () => {
    const hung = await diskWith('abort', { 'a.txt': 'a' });
    try {
      expect(abortFuseConnection(hung.mountPoint)).toBe(true);
      expect(() => readFileSync(join(hung.mountPoint, 'a.txt'))).toThrow(/ENOTCONN|ECONNABORTED/);
    } finally {
      await hung.unmount();
    }
    expect(mountsUnder(hung.mountPoint)).toHaveLength(0);
  });

  it('a temp dir removed with a mount in it is detached first', async () => {
    const dir = sup.tempDir('unsynced-disk-removal');
    const inside = await UnsyncedDisk.mountOver(sup, 2, (mkdirSync(join(dir, 'node-2')), join(dir, 'node-2')), join(dir, 'logs'));
    expect(mountsUnder(dir)).toHaveLength(1);
    sup.forgetTempDir(dir);
    expect(mountsUnder(dir)).toHaveLength(0);
    expect(existsSync(dir)).toBe(false);
    await inside.unmount();
  });
});
