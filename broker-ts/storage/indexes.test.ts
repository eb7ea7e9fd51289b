import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OffsetIndex } from './offset-index.js';
import { tempDirs } from './test-support/temp-dirs.js';
import { TimeIndex } from './time-index.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('OffsetIndex', () => {
  it('finds the entry with the largest offset at or below a target', () => {
    const index = OffsetIndex.empty(path.join(dirs.make(), 'x.index'), 100n, 1024);
    index.append(104n, 0);
    index.append(110n, 500);
    index.append(150n, 900);
    expect(index.lookup(99n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(104n)).toEqual({ offset: 104n, position: 0 });
    expect(index.lookup(149n)).toEqual({ offset: 110n, position: 500 });
    expect(index.lookup(1_000_000n)).toEqual({ offset: 150n, position: 900 });
    expect(() => index.append(150n, 1000)).toThrow(RangeError);
    index.truncateTo(110n);
    expect(index.lastEntry()).toEqual({ offset: 104n, position: 0 });
  });

  it('writes relative offsets and positions as int32 pairs, and reloads them', () => {
    const file = path.join(dirs.make(), '00000000000000000100.index');
    const index = OffsetIndex.empty(file, 100n, 1024);
    index.append(104n, 0);
    index.append(110n, 500);
    index.writePending();
    index.close();
    expect([...fs.readFileSync(file)]).toEqual([0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1, 244]);
    const loaded = OffsetIndex.load(file, 100n, 1024);
    expect(loaded.entries).toBe(2);
    expect(loaded.sanityProblem(501)).toBeUndefined();
    expect(loaded.sanityProblem(500)).toMatch(/past the log/);
    loaded.truncateTo(105n);
    loaded.writePending();
    loaded.close();
    expect(fs.statSync(file).size).toBe(8);
  });

  it('is full at log.index.size.max.bytes', () => {
    const index = OffsetIndex.empty(path.join(dirs.make(), 'x.index'), 0n, 24);
    for (let i = 0; i < 3; i++) index.append(BigInt(i), i * 10);
    expect(index.isFull).toBe(true);
    expect(() => index.append(5n, 50)).toThrow(RangeError);
  });
});

describe('TimeIndex', () => {
  it('keeps strictly increasing timestamps and looks up the largest at or below a target', () => {
    const file = path.join(dirs.make(), '00000000000000000000.timeindex');
    const index = TimeIndex.empty(file, 0n, 1200);
    index.maybeAppend(1000n, 3n);
    index.maybeAppend(1000n, 5n);
    index.maybeAppend(900n, 6n);
    index.maybeAppend(2000n, 9n);
    expect(index.entries).toBe(2);
    expect(index.lookup(999n)).toEqual({ timestamp: -1n, offset: 0n });
    expect(index.lookup(1500n)).toEqual({ timestamp: 1000n, offset: 3n });
    expect(index.lookup(2000n)).toEqual({ timestamp: 2000n, offset: 9n });
    index.writePending();
    index.close();
    const loaded = TimeIndex.load(file, 0n, 1200);
    expect(loaded.lastEntry()).toEqual({ timestamp: 2000n, offset: 9n });
    expect(fs.statSync(file).size).toBe(24);
  });

  it('keeps its last slot for the entry written when the segment is rolled', () => {
    const index = TimeIndex.empty(path.join(dirs.make(), 'x.timeindex'), 0n, 36);
    index.maybeAppend(1n, 1n);
    index.maybeAppend(2n, 2n);
    expect(index.isFull).toBe(true);
    expect(() => index.maybeAppend(3n, 3n)).toThrow(RangeError);
    index.maybeAppend(3n, 3n, true);
    expect(index.lastEntry()).toEqual({ timestamp: 3n, offset: 3n });
  });
});
