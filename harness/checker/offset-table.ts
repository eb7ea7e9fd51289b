/**
 * Message ids by offset for one partition. Offsets of a partition are dense from near zero, so a
 * growable array indexed by offset is far cheaper than a Map for the millions of entries a long
 * run has; the rare offset far out of that range goes to a Map.
 */
export class OffsetTable {
  private ids = new Float64Array(1024).fill(Number.NaN);
  private readonly sparse = new Map<number, number>();
  private count = 0;
  private static readonly DENSE_LIMIT = 1 << 28;

  get size(): number {
    return this.count;
  }

  get(offset: number): number | undefined {
    if (offset >= 0 && offset < this.ids.length) {
      const id = this.ids[offset]!;
      return Number.isNaN(id) ? undefined : id;
    }
    return this.sparse.get(offset);
  }

  set(offset: number, id: number): void {
    if (offset >= 0 && offset < OffsetTable.DENSE_LIMIT && Number.isInteger(offset)) {
      if (offset >= this.ids.length) this.grow(offset);
      if (Number.isNaN(this.ids[offset]!)) this.count++;
      this.ids[offset] = id;
      return;
    }
    if (!this.sparse.has(offset)) this.count++;
    this.sparse.set(offset, id);
  }

  private grow(offset: number): void {
    let length = this.ids.length;
    while (length <= offset) length *= 2;
    const next = new Float64Array(length).fill(Number.NaN);
    next.set(this.ids);
    this.ids = next;
  }

  /** Calls `fn` with every (offset, id), dense ones first in offset order. */
  forEach(fn: (offset: number, id: number) => void): void {
    const ids = this.ids;
    for (let o = 0; o < ids.length; o++) {
      const id = ids[o]!;
      if (id === id) fn(o, id); // NaN marks an empty slot, and NaN !== NaN
    }
    for (const [o, id] of this.sparse) fn(o, id);
  }

  highestOffset(): number {
    let max = -1;
    for (let o = this.ids.length - 1; o >= 0; o--) {
      if (!Number.isNaN(this.ids[o]!)) {
        max = o;
        break;
      }
    }
    for (const o of this.sparse.keys()) if (o > max) max = o;
    return max;
  }
}
