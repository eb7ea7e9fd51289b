import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { tempDirs } from './test-support/temp-dirs.js';

const dirs = tempDirs();
const caches: LeaderEpochCache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.idle()));
  await dirs.cleanup();
});

function load(dir = dirs.make()): LeaderEpochCache {
  const cache = LeaderEpochCache.load(dir, (error) => {
    throw error;
  });
  caches.push(cache);
  return cache;
}

function withEpochs(entries: [number, bigint][]): LeaderEpochCache {
  const cache = load();
  for (const [epoch, offset] of entries) cache.assign(epoch, offset);
  return cache;
}

describe('LeaderEpochCache', () => {
  it('ignores assignments that add nothing and keeps entries monotonic', () => {
    const cache = withEpochs([
      [1, 0n],
      [1, 5n],
      [3, 10n],
      [4, 20n],
    ]);
    expect(cache.entries()).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 3, startOffset: 10n },
      { epoch: 4, startOffset: 20n },
    ]);
    // A lower start for the latest epoch, or a start below later epochs, replaces what conflicts.
    cache.assign(4, 15n);
    expect(cache.entries().at(-1)).toEqual({ epoch: 4, startOffset: 15n });
    cache.assign(2, 12n);
    expect(cache.entries()).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 12n },
    ]);
    expect(() => cache.assign(-1, 0n)).toThrow(RangeError);
  });

  it('answers OffsetsForLeaderEpoch as Kafka does', () => {
    const cache = withEpochs([
      [2, 10n],
      [4, 30n],
      [5, 45n],
    ]);
    expect(cache.endOffsetFor(5, 60n)).toEqual({ epoch: 5, endOffset: 60n });
    expect(cache.endOffsetFor(4, 60n)).toEqual({ epoch: 4, endOffset: 45n });
    expect(cache.endOffsetFor(3, 60n)).toEqual({ epoch: 2, endOffset: 30n });
    expect(cache.endOffsetFor(1, 60n)).toEqual({ epoch: 1, endOffset: 10n });
    expect(cache.endOffsetFor(6, 60n)).toEqual({ epoch: -1, endOffset: -1n });
    expect(cache.endOffsetFor(-1, 60n)).toEqual({ epoch: -1, endOffset: -1n });
    expect(load().endOffsetFor(0, 0n)).toEqual({ epoch: -1, endOffset: -1n });
    expect(cache.epochForOffset(29n)).toBe(2);
    expect(cache.epochForOffset(30n)).toBe(4);
    expect(cache.epochForOffset(5n)).toBeUndefined();
  });

  it('truncates from the end and from the start', () => {
    const cache = withEpochs([
      [2, 10n],
      [4, 30n],
      [5, 45n],
    ]);
    cache.truncateFromEnd(46n);
    expect(cache.latestEpoch()).toBe(5);
    cache.truncateFromEnd(45n);
    expect(cache.latestEpoch()).toBe(4);
    cache.truncateFromStart(35n);
    expect(cache.entries()).toEqual([{ epoch: 4, startOffset: 35n }]);
    cache.truncateFromStart(20n);
    expect(cache.entries()).toEqual([{ epoch: 4, startOffset: 35n }]);
    cache.clear();
    expect(cache.entries()).toEqual([]);
  });

  it('persists to leader-epoch-checkpoint in Kafka format and loads it back', async () => {
    const dir = dirs.make();
    const cache = load(dir);
    cache.assign(0, 0n);
    cache.assign(3, 100n);
    await cache.persist();
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n3 100\n');
    const reloaded = load(dir);
    expect(reloaded.loadedFromCheckpoint).toBe(true);
    expect(reloaded.entries()).toEqual(cache.entries());
    expect(fs.readdirSync(dir)).toEqual(['leader-epoch-checkpoint']);
  });

  it('treats an unreadable checkpoint as missing', () => {
    const dir = dirs.make();
    fs.writeFileSync(path.join(dir, 'leader-epoch-checkpoint'), '0\n2\n0 0\n');
    expect(load(dir).loadedFromCheckpoint).toBe(false);
    fs.writeFileSync(path.join(dir, 'leader-epoch-checkpoint'), '0\n1\nfoo bar\n');
    expect(load(dir).loadedFromCheckpoint).toBe(false);
  });

  it('coalesces checkpoint writes', async () => {
    const dir = dirs.make();
    const cache = load(dir);
    const rename = vi.spyOn(fs.promises, 'rename');
    try {
      for (let epoch = 0; epoch < 20; epoch++) cache.assign(epoch, BigInt(epoch * 10));
      await cache.persist();
      expect(rename.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      rename.mockRestore();
    }
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8').split('\n')[1]).toBe('20');
  });
});
