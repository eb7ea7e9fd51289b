import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
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
    const file = SegmentFile.create(path.join(dirs.make(), '00000000000000000000.log'), { unflushedInMemory: false, tailCacheBytes: 64 * 1024 });
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
