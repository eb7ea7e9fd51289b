// The server-side assignors on hand-made groups: balance, stickiness and subscriptions respected.
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../topic-partition-assignment.js';
import { assignmentSize } from '../topic-partition-assignment.js';
import type { AssignorMember } from './assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { uniformAssignor } from './uniform-assignor.js';

const member = (memberId: string, topics: string[], currentTarget: Assignment = new Map()): AssignorMember => ({
  memberId,
  subscribedTopicIds: new Set(topics),
  currentTarget,
});

const flat = (assignment: Assignment | undefined) =>
  [...(assignment ?? new Map<string, Set<number>>()).entries()].flatMap(([t, ps]) => [...ps].map((p) => `${t}-${p}`)).sort();

describe('uniform assignor', () => {
  it('spreads partitions so no member has two more than another, each partition once', () => {
    const result = uniformAssignor.assign({
      members: ['a', 'b', 'c'].map((m) => member(m, ['t', 'u'])),
      partitionCounts: new Map([
        ['t', 5],
        ['u', 3],
      ]),
    });
    const sizes = [...result.values()].map(assignmentSize).sort();
    expect(sizes).toEqual([2, 3, 3]);
    const all = [...result.values()].flatMap(flat);
    expect(new Set(all).size).toBe(8);
  });

  it('keeps what members had when a member joins, moving only what balance needs', () => {
    const before = uniformAssignor.assign({ members: [member('a', ['t']), member('b', ['t'])], partitionCounts: new Map([['t', 6]]) });
    const after = uniformAssignor.assign({
      members: [member('a', ['t'], before.get('a')), member('b', ['t'], before.get('b')), member('c', ['t'])],
      partitionCounts: new Map([['t', 6]]),
    });
    const kept = (m: string) => flat(after.get(m)).filter((p) => flat(before.get(m)).includes(p)).length;
    expect(kept('a')).toBe(2);
    expect(kept('b')).toBe(2);
    expect(flat(after.get('c'))).toHaveLength(2);
  });

  it('gives a topic only to members subscribed to it', () => {
    const result = uniformAssignor.assign({
      members: [member('a', ['t']), member('b', ['u'])],
      partitionCounts: new Map([
        ['t', 2],
        ['u', 4],
      ]),
    });
    expect(flat(result.get('a'))).toEqual(['t-0', 't-1']);
    expect(flat(result.get('b'))).toEqual(['u-0', 'u-1', 'u-2', 'u-3']);
  });
});

describe('range assignor', () => {
  it('gives members in id order contiguous ranges of each topic, the first ones one more', () => {
    const result = rangeAssignor.assign({
      members: [member('b', ['t', 'u']), member('a', ['t', 'u'])],
      partitionCounts: new Map([
        ['t', 3],
        ['u', 3],
      ]),
    });
    expect(flat(result.get('a'))).toEqual(['t-0', 't-1', 'u-0', 'u-1']);
    expect(flat(result.get('b'))).toEqual(['t-2', 'u-2']);
  });
});
