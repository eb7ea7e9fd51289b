import { describe, expect, it } from 'vitest';
import type { PartitionRegistration } from './metadata-image.js';
import { changeForDeparture, changeForElection, changeRecordFields, preferredLeaderElection, uncleanLeaderElection } from './partition-election.js';
import type { ElectionRules } from './partition-election.js';

const partition = (leader: number, isr: number[], replicas = [1, 2, 3]): PartitionRegistration => ({
  topicId: 't',
  topicName: 't',
  partition: 0,
  replicas,
  addingReplicas: [],
  removingReplicas: [],
  isr,
  leader,
  leaderEpoch: 4,
  partitionEpoch: 9,
});

const rules = (down: number[], extra: Partial<ElectionRules> = {}): ElectionRules => ({
  eligible: (id) => !down.includes(id),
  unclean: false,
  electAnyReplica: false,
  ...extra,
});

describe('partition elections', () => {
  it('moves leadership to the first live ISR member in replica order and shrinks the ISR', () => {
    expect(changeForDeparture(partition(1, [1, 2, 3]), 1, rules([1]))).toEqual({ leader: 2, isr: [2, 3] });
    expect(changeForDeparture(partition(2, [1, 2, 3]), 1, rules([1]))).toEqual({ leader: 2, isr: [2, 3] });
  });

  it('keeps the last ISR member with no leader, as KRaft does, until it returns', () => {
    const offline = changeForDeparture(partition(3, [3]), 3, rules([1, 3]));
    expect(offline).toEqual({ leader: -1, isr: [3] });
    const stillOffline = changeForElection(partition(-1, [3]), rules([3]));
    expect(stillOffline).toBeUndefined();
    expect(changeForElection(partition(-1, [3]), rules([]))).toEqual({ leader: 3, isr: [3] });
  });

  it('elects an out-of-sync live replica only with unclean leader election, which then is the whole ISR', () => {
    expect(changeForElection(partition(-1, [3]), rules([3]))).toBeUndefined();
    expect(changeForElection(partition(-1, [3]), rules([3], { unclean: true }))).toEqual({ leader: 1, isr: [1] });
  });

  it('prefers a replica outside the ISR with broker.ts.bug.elect.any.replica', () => {
    expect(changeForDeparture(partition(1, [1, 2]), 1, rules([1], { electAnyReplica: true }))).toEqual({ leader: 3, isr: [3] });
  });

  it('ElectLeaders, preferred: the first replica leads again only from the ISR and live', () => {
    expect(preferredLeaderElection(partition(2, [1, 2, 3]), rules([]))).toEqual({ leader: 1, isr: [1, 2, 3] });
    expect(preferredLeaderElection(partition(2, [2, 3]), rules([]))).toBeUndefined();
    expect(preferredLeaderElection(partition(2, [1, 2, 3]), rules([1]))).toBeUndefined();
  });

  it('ElectLeaders, unclean: an ISR member first, else any live replica alone in the ISR, whatever the topic allows', () => {
    expect(uncleanLeaderElection(partition(-1, [2, 3]), rules([1]))).toEqual({ leader: 2, isr: [2, 3] });
    expect(uncleanLeaderElection(partition(-1, [3]), rules([3]))).toEqual({ leader: 1, isr: [1] });
    expect(uncleanLeaderElection(partition(-1, [3]), rules([1, 2, 3]))).toBeUndefined();
  });

  it('writes only what changed into the record', () => {
    const current = partition(1, [1, 2, 3]);
    expect(changeRecordFields(current, { leader: 1, isr: [1, 2] })).toEqual({ leader: -2, isr: [1, 2] });
    expect(changeRecordFields(current, { leader: 2, isr: [1, 2, 3] })).toEqual({ leader: 2, isr: null });
  });
});
