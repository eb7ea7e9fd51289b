import { describe, expect, it } from 'vitest';
import { ProcessingChecker } from './processing-checker.js';

function logOf(...entries: [number, number, number][]) {
  const c = new ProcessingChecker();
  c.add({ f: 'poll', type: 'ok', process: -1, time: 1, reads: entries });
  return c;
}

describe('processing checker', () => {
  it('everything below the committed offset processed once is clean', () => {
    const c = logOf([0, 0, 10], [0, 1, 11], [0, 2, 12]);
    c.addJournal([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 1 },
      { partition: 0, offset: 2 },
    ]);
    expect(c.result(new Map([[0, 3]]))).toMatchObject({ inLog: 3, processed: 3, processedLost: 0, processedDuplicates: 0, unprocessed: 0 });
  });

  it('committed but never processed is lost processing; above the commit it is merely unprocessed', () => {
    const c = logOf([0, 0, 10], [0, 1, 11], [0, 2, 12], [0, 3, 13]);
    c.addJournal([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 2 },
    ]);
    const r = c.result(new Map([[0, 3]]));
    expect(r.processedLost).toBe(1);
    expect(r.lostExamples).toEqual([{ partition: 0, offset: 1, id: 11 }]);
    expect(r.unprocessed).toBe(1);
  });

  it('processing twice, by one member or two, is a duplicate', () => {
    const c = logOf([0, 0, 10], [1, 0, 20]);
    c.addJournal([{ partition: 0, offset: 0 }]);
    c.addJournal([
      { partition: 0, offset: 0 },
      { partition: 1, offset: 0 },
    ]);
    expect(
      c.result(
        new Map([
          [0, 1],
          [1, 1],
        ]),
      ),
    ).toMatchObject({ processed: 2, processedDuplicates: 1, processedLost: 0 });
  });

  it('a partition without a committed offset has nothing lost', () => {
    const c = logOf([2, 0, 30]);
    expect(c.result(new Map())).toMatchObject({ processedLost: 0, unprocessed: 1 });
  });

  describe('split ownership', () => {
    const poll = (consumer: string, generation: number, time: number, partition: number, offset: number) => ({
      f: 'poll' as const,
      type: 'ok' as const,
      process: -2,
      consumer,
      generation,
      time,
      reads: [[partition, offset, offset]] as [number, number, number][],
    });

    it('is a member reading a partition after another member started on it, within one assignment', () => {
      const c = new ProcessingChecker();
      // a#0 reads p0 from 100 ms to 300 ms; b#0 starts on p0 at 200 ms: a had not given it up.
      for (const op of [poll('a#0', 1, 100, 0, 0), poll('b#0', 1, 200, 0, 1), poll('a#0', 1, 300, 0, 2)]) c.add(op);
      const r = c.result(new Map());
      expect(r.splitOwnership).toBe(1);
      expect(r.splitOwnershipExamples).toEqual([
        { partition: 0, first: { consumer: 'a#0', generation: 1, from: 100, to: 300 }, second: { consumer: 'b#0', generation: 1, from: 200, to: 200 } },
      ]);
    });

    it('is not a handover (the first owner stops before the next starts), a new assignment of the same member, or the drain', () => {
      const c = new ProcessingChecker();
      for (const op of [
        poll('a#0', 1, 100, 0, 0),
        poll('a#0', 1, 150, 0, 1),
        poll('b#0', 1, 200, 0, 2),
        // a's next assignment: its own earlier one does not count against it.
        poll('a#0', 2, 120, 1, 0),
        poll('a#0', 3, 130, 1, 1),
        // other partitions are other owners' business.
        poll('c#0', 1, 110, 2, 0),
      ])
        c.add(op);
      c.add({ f: 'poll', type: 'ok', process: -1, consumer: 'drain', time: 160, reads: [[0, 1, 1]] });
      expect(c.result(new Map()).splitOwnership).toBe(0);
    });
  });
});
