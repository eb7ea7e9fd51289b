import fs from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SegmentFile } from './segment-file.js';
import { tempDirs } from './test-support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** V8's collector, exposed at run time: whether evicted bytes are still referenced is only visible to it. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('SegmentFile tail cache', () => {
  it('lets the bytes of evicted batches be collected', async () => {
    const file = SegmentFile.create(path.join(dirs.make(), '00000000000000000000.log'), {
      flushSkipsFsync: false,
      tailCacheBytes: 64 * 1024,
      writebackBytes: 0,
    });
    const backing: WeakRef<ArrayBuffer>[] = [];
    const appended = 2_000;
    for (let i = 0; i < appended; i++) {
      // Buffer.alloc is never pooled: each batch has an ArrayBuffer of its own.
      const bytes = Buffer.alloc(1024, i % 256);
      backing.push(new WeakRef(bytes.buffer));
      file.append(bytes, [{ baseOffset: BigInt(i), lastOffset: BigInt(i), maxTimestamp: 0n, position: 0, size: bytes.length }]);
    }
    // WeakRefs hold their targets until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const cachedBatches = (64 * 1024) / 1024;
    const evicted = backing.slice(0, appended - cachedBatches - 1);
    const retained = evicted.filter((ref) => ref.deref() !== undefined).length;
    expect(retained).toBe(0);
    // The cache still serves the newest batches.
    expect(file.read(file.size - 1024, 1024)[0]).toBe((appended - 1) % 256);
    file.close();
  });
});

describe('SegmentFile background writeback', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Watches the real fdatasync: which descriptors it got, with what result, and when it finished. */
  function watchWritebacks(fail?: NodeJS.ErrnoException) {
    const real = fs.fdatasync;
    const calls: { fd: number; error: NodeJS.ErrnoException | null | undefined }[] = [];
    let finish: () => void = () => {};
    const spy = vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, callback: fs.NoParamCallback) => {
      const call: (typeof calls)[number] = { fd, error: undefined };
      calls.push(call);
      real(fd, (error) => {
        call.error = fail ?? error;
        callback(call.error);
        finish();
      });
    }) as typeof fs.fdatasync);
    const finished = () => new Promise<void>((resolve) => (finish = resolve));
    return { spy, calls, finished };
  }

  function appendKiB(file: SegmentFile, kib: number, offset: number): void {
    const bytes = Buffer.alloc(kib * 1024, offset % 256);
    file.append(bytes, [{ baseOffset: BigInt(offset), lastOffset: BigInt(offset), maxTimestamp: 0n, position: 0, size: bytes.length }]);
  }

  it('writes the data back every writebackBytes appended, one writeback at a time', async () => {
    const { calls, finished } = watchWritebacks();
    const file = SegmentFile.create(path.join(dirs.make(), '00000000000000000000.log'), {
      flushSkipsFsync: false,
      tailCacheBytes: 0,
      writebackBytes: 8 * 1024,
    });
    appendKiB(file, 4, 0);
    expect(calls).toHaveLength(0);
    const first = finished();
    appendKiB(file, 4, 1);
    expect(calls).toHaveLength(1);
    // Still in flight: what is appended meanwhile waits for the next one.
    appendKiB(file, 8, 2);
    expect(calls).toHaveLength(1);
    await first;
    expect(calls[0]!.error).toBeNull();
    appendKiB(file, 1, 3);
    expect(calls).toHaveLength(2);
    // A writeback is not a flush: the data still needs an fsync before it counts as durable.
    expect(file.needsFlush).toBe(true);
    file.close();
  });

  it('keeps the file open until a writeback in flight has finished', async () => {
    const { calls, finished } = watchWritebacks();
    const file = SegmentFile.create(path.join(dirs.make(), '00000000000000000000.log'), {
      flushSkipsFsync: false,
      tailCacheBytes: 0,
      writebackBytes: 4 * 1024,
    });
    const done = finished();
    appendKiB(file, 4, 0);
    file.close();
    await done;
    expect(calls).toHaveLength(1);
    // Had close() released the descriptor at once, the writeback would have failed with EBADF.
    expect(calls[0]!.error).toBeNull();
    expect(() => fs.fstatSync(calls[0]!.fd)).toThrow(/EBADF/);
  });

  it('reports a failed writeback at the next fsync, once', async () => {
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const { finished } = watchWritebacks(eio);
    const file = SegmentFile.create(path.join(dirs.make(), '00000000000000000000.log'), {
      flushSkipsFsync: false,
      tailCacheBytes: 0,
      writebackBytes: 4 * 1024,
    });
    const done = finished();
    appendKiB(file, 4, 0);
    await done;
    await expect(file.fsync()).rejects.toThrow(/EIO/);
    await file.fsync();
    expect(file.needsFlush).toBe(false);
    file.close();
  });

  it('writes back at most two files at a time, leaving worker threads for the fsyncs the broker waits on', async () => {
    const { calls, finished } = watchWritebacks();
    const dir = dirs.make();
    const files = [0, 1, 2].map((i) =>
      SegmentFile.create(path.join(dir, `0000000000000000000${i}.log`), { flushSkipsFsync: false, tailCacheBytes: 0, writebackBytes: 4 * 1024 }),
    );
    let done = finished();
    for (const [i, file] of files.entries()) appendKiB(file, 4, i);
    expect(calls).toHaveLength(2);
    await done;
    if (calls.some((c) => c.error === undefined)) await (done = finished());
    // The file left out writes back at its next append.
    appendKiB(files[2]!, 1, 3);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.fd).not.toBe(calls[0]!.fd);
    expect(calls[2]!.fd).not.toBe(calls[1]!.fd);
    done = finished();
    for (const file of files) file.close();
    await done;
  });

  it('leaves writeback to the kernel when writebackBytes is 0', () => {
    const { calls } = watchWritebacks();
    const file = SegmentFile.create(path.join(dirs.make(), '00000000000000000000.log'), { flushSkipsFsync: false, tailCacheBytes: 0, writebackBytes: 0 });
    for (let i = 0; i < 64; i++) appendKiB(file, 64, i);
    expect(calls).toHaveLength(0);
    file.close();
  });
});
