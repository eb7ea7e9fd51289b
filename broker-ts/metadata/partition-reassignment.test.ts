import { describe, expect, it } from 'vitest';
import type { PartitionRegistration } from './metadata-image.js';
import { completeIfCaughtUp, revertReassignment, startReassignment } from './partition-reassignment.js';

const partition = (fields: Partial<PartitionRegistration>): PartitionRegistration => ({
  topicId: 't',
  topicName: 't',
  partition: 0,
  replicas: [1, 2],
  isr: [1, 2],
  addingReplicas: [],
  removingReplicas: [],
  leader: 1,
  leaderEpoch: 0,
  partitionEpoch: 0,
  elr: [],
  lastKnownElr: [],
  ...fields,
});
const everyone = () => true;

describe('partition reassignment', () => {
  it('adds the new replicas first and keeps the leader while they catch up', () => {
    expect(startReassignment(partition({}), [3, 2], everyone)).toEqual({
      replicas: [3, 2, 1],
      isr: [1, 2],
      leader: 1,
      addingReplicas: [3],
      removingReplicas: [1],
    });
  });

  it('completes when the last adding replica joins the ISR: the target alone, the removed leader handing over', () => {
    const ongoing = { replicas: [3, 2, 1], isr: [1, 2, 3], leader: 1, addingReplicas: [3], removingReplicas: [1] };
    expect(completeIfCaughtUp(ongoing, everyone)).toEqual({ replicas: [3, 2], isr: [2, 3], leader: 3, addingReplicas: [], removingReplicas: [] });
    // An ineligible first target replica is passed over.
    expect(completeIfCaughtUp(ongoing, (id) => id !== 3)?.leader).toBe(2);
    expect(completeIfCaughtUp({ ...ongoing, isr: [1, 2] }, everyone)).toBeUndefined();
  });

  it('completes at once when no replica has to catch up (a reorder, or replicas only removed)', () => {
    expect(startReassignment(partition({}), [2, 1], everyone)).toEqual({ replicas: [2, 1], isr: [1, 2], leader: 1, addingReplicas: [], removingReplicas: [] });
    expect(startReassignment(partition({}), [2], everyone)).toEqual({ replicas: [2], isr: [2], leader: 2, addingReplicas: [], removingReplicas: [] });
  });

  it('replaces an ongoing move from the replicas before it, dropping the abandoned newcomer', () => {
    const ongoing = partition({ replicas: [3, 2, 1], isr: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] });
    expect(startReassignment(ongoing, [4, 2], everyone)).toEqual({ replicas: [4, 2, 1], isr: [1, 2], leader: 1, addingReplicas: [4], removingReplicas: [1] });
  });

  it('reverts to the replicas before the move; a newcomer that led hands back', () => {
    const ongoing = partition({ replicas: [3, 2, 1], isr: [3, 1], leader: 3, addingReplicas: [3], removingReplicas: [1] });
    expect(revertReassignment(ongoing, everyone)).toEqual({ replicas: [2, 1], isr: [1], leader: 1, addingReplicas: [], removingReplicas: [] });
  });
});
