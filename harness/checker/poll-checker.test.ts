import { describe, expect, it } from 'vitest';
import type { Operation } from '../history/operation.js';
import { PollChecker } from './poll-checker.js';

let clock = 0;
const ack = (id: number, partition: number, offset: number): Operation => ({ f: 'send', type: 'ok', process: 0, time: ++clock, id, partition, offset });
const poll = (consumer: string, generation: number, ...reads: [number, number, number][]): Operation => ({
  f: 'poll',
  type: 'ok',
  process: -2,
  time: ++clock,
  reads,
  consumer,
  generation,
});

function check(ops: Operation[]) {
  const c = new PollChecker();
  for (const op of ops) c.add(op);
  return c.result();
}

const acks = (n: number, partition = 0) => Array.from({ length: n }, (_, i) => ack(100 + i, partition, i));

describe('poll checker', () => {
  it('a consumer reading every offset in order, in batches, shows nothing', () => {
    const r = check([
      ...acks(6),
      poll('drain', 1, [0, 0, 100], [0, 1, 101], [0, 2, 102]),
      poll('drain', 1, [0, 3, 103]),
      poll('drain', 1, [0, 4, 104], [0, 5, 105]),
    ]);
    expect(r).toMatchObject({ pollSkips: [], nonmonotonicPolls: [], intPollSkips: [], intNonmonotonicPolls: [], polls: 3, consumers: 1 });
  });

  it('skipping offsets that hold messages between polls is a poll-skip; within a batch an int-poll-skip', () => {
    const r = check([...acks(8), poll('c1#0', 1, [0, 0, 100], [0, 1, 101]), poll('c1#0', 1, [0, 4, 104], [0, 5, 105], [0, 7, 107])]);
    expect(r.pollSkips).toEqual([{ consumer: 'c1#0', generation: 1, partition: 0, from: 1, to: 4, skipped: [2, 3] }]);
    expect(r.intPollSkips).toEqual([{ consumer: 'c1#0', generation: 1, partition: 0, from: 5, to: 7, skipped: [6] }]);
  });

  it('a gap nobody knows holds a message (a transaction marker, say) is not a skip', () => {
    const r = check([ack(1, 0, 0), ack(2, 0, 3), poll('drain', 1, [0, 0, 1], [0, 3, 2])]);
    expect(r.intPollSkips).toEqual([]);
  });

  it('going back is nonmonotonic, between polls and within one', () => {
    const r = check([
      ...acks(5),
      poll('drain', 1, [0, 0, 100], [0, 1, 101], [0, 2, 102]),
      poll('drain', 1, [0, 1, 101]),
      poll('drain', 1, [0, 2, 102], [0, 2, 102]),
    ]);
    expect(r.nonmonotonicPolls).toEqual([{ consumer: 'drain', generation: 1, partition: 0, from: 2, to: 1 }]);
    expect(r.intNonmonotonicPolls).toEqual([{ consumer: 'drain', generation: 1, partition: 0, from: 2, to: 2 }]);
  });

  it('a new generation (a rebalance) may start anywhere, and consumers and partitions are kept apart', () => {
    const r = check([
      ...acks(6),
      ...acks(3, 1),
      poll('c1#0', 1, [0, 0, 100], [0, 1, 101], [0, 2, 102]),
      poll('c1#0', 2, [0, 1, 101]),
      poll('c1#0', 3, [0, 5, 105]),
      poll('c2#0', 1, [0, 0, 100]),
      poll('c1#0', 3, [1, 0, 100]),
    ]);
    expect(r).toMatchObject({ pollSkips: [], nonmonotonicPolls: [], consumers: 4 });
  });

  it("a pipeline's output topic is not judged here", () => {
    const r = check([
      ...acks(3),
      {
        f: 'poll',
        type: 'ok',
        process: -1,
        time: ++clock,
        topic: 'out',
        reads: [
          [0, 2, 1],
          [0, 0, 2],
        ],
      },
    ]);
    expect(r.polls).toBe(0);
  });
});
