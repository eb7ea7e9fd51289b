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
});
