import { describe, expect, it } from 'vitest';
import { OffsetTable } from './offset-table.js';

describe('offset table', () => {
  it('stores ids by offset, densely and far out, and walks them in order', () => {
    const t = new OffsetTable();
    t.set(0, 10);
    t.set(5000, 11);
    t.set(2 ** 40, 12);
    t.set(5000, 13);
    expect(t.size).toBe(3);
    expect(t.get(0)).toBe(10);
    expect(t.get(1)).toBeUndefined();
    expect(t.get(5000)).toBe(13);
    expect(t.get(2 ** 40)).toBe(12);
    expect(t.get(-1)).toBeUndefined();
    expect(t.highestOffset()).toBe(2 ** 40);
    const seen: [number, number][] = [];
    t.forEach((o, id) => seen.push([o, id]));
    expect(seen).toEqual([
      [0, 10],
      [5000, 13],
      [2 ** 40, 12],
    ]);
  });

  it('an empty table has no highest offset', () => {
    expect(new OffsetTable().highestOffset()).toBe(-1);
  });
});
