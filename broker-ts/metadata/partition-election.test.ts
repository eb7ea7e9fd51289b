import { describe, expect, it } from 'vitest';
import type { PartitionRegistration } from './metadata-image.js';
import {
  changeForDeparture,
  changeForElection,
  changeForIsr,
  changeForUncleanShutdown,
  changeRecordFields,
  preferredLeaderElection,
  uncleanLeaderElection,
} from './partition-election.js';
import type { ElectionRules } from './partition-election.js';

const partition = (leader: number, isr: number[], replicas = [1, 2, 3], elr: number[] = [], lastKnownElr: number[] = []): PartitionRegistration => ({
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
  elr,
  lastKnownElr,
});

/** A change without eligible leader replicas. */
const plain = (leader: number, isr: number[]) => ({ leader, isr, elr: [], lastKnownElr: [] });

const rules = (down: number[], extra: Partial<ElectionRules> = {}): ElectionRules => ({
  eligible: (id) => !down.includes(id),
  unclean: false,
  electAnyReplica: false,
  ...extra,
});

describe('partition elections', () => {
  it('moves leadership to the first live ISR member in replica order and shrinks the ISR', () => {
    expect(changeForDeparture(partition(1, [1, 2, 3]), 1, rules([1]))).toEqual(plain(2, [2, 3]));
    expect(changeForDeparture(partition(2, [1, 2, 3]), 1, rules([1]))).toEqual(plain(2, [2, 3]));
  });

  it('keeps the last ISR member with no leader, as KRaft does, until it returns', () => {
    const offline = changeForDeparture(partition(3, [3]), 3, rules([1, 3]));
    expect(offline).toEqual(plain(-1, [3]));
    const stillOffline = changeForElection(partition(-1, [3]), rules([3]));
    expect(stillOffline).toBeUndefined();
    expect(changeForElection(partition(-1, [3]), rules([]))).toEqual(plain(3, [3]));
  });

  it('elects an out-of-sync live replica only with unclean leader election, which then is the whole ISR', () => {
    expect(changeForElection(partition(-1, [3]), rules([3]))).toBeUndefined();
    expect(changeForElection(partition(-1, [3]), rules([3], { unclean: true }))).toEqual(plain(1, [1]));
  });

  it('prefers a replica outside the ISR with broker.ts.bug.elect.any.replica', () => {
    expect(changeForDeparture(partition(1, [1, 2]), 1, rules([1], { electAnyReplica: true }))).toEqual(plain(3, [3]));
  });

  it('ElectLeaders, preferred: the first replica leads again only from the ISR and live', () => {
    expect(preferredLeaderElection(partition(2, [1, 2, 3]), rules([]))).toEqual(plain(1, [1, 2, 3]));
    expect(preferredLeaderElection(partition(2, [2, 3]), rules([]))).toBeUndefined();
    expect(preferredLeaderElection(partition(2, [1, 2, 3]), rules([1]))).toBeUndefined();
  });

  it('ElectLeaders, unclean: an ISR member first, else any live replica alone in the ISR, whatever the topic allows', () => {
    expect(uncleanLeaderElection(partition(-1, [2, 3]), rules([1]))).toEqual(plain(2, [2, 3]));
    expect(uncleanLeaderElection(partition(-1, [3]), rules([3]))).toEqual(plain(1, [1]));
    expect(uncleanLeaderElection(partition(-1, [3]), rules([1, 2, 3]))).toBeUndefined();
  });

  it('writes only what changed into the record', () => {
    const current = partition(1, [1, 2, 3]);
    expect(changeRecordFields(current, plain(1, [1, 2]))).toEqual({ leader: -2, isr: [1, 2], eligibleLeaderReplicas: null, lastKnownElr: null });
    expect(changeRecordFields(current, plain(2, [1, 2, 3]))).toEqual({ leader: 2, isr: null, eligibleLeaderReplicas: null, lastKnownElr: null });
    expect(changeRecordFields(current, { leader: 1, isr: [1], elr: [2, 3], lastKnownElr: [] })).toEqual({
      leader: -2,
      isr: [1],
      eligibleLeaderReplicas: [2, 3],
      lastKnownElr: null,
    });
  });
});

describe('partition elections with eligible leader replicas (KIP-966)', () => {
  const elr = (down: number[], extra: Partial<ElectionRules> = {}) => rules(down, { elr: { minIsr: 2 }, ...extra });

  it('moves replicas that leave an ISR below min.insync.replicas into the ELR, and empties it once the ISR is whole again', () => {
    // Above the minimum: no ELR.
    expect(changeForIsr(partition(1, [1, 2, 3]), [1, 2], elr([]))).toEqual(plain(1, [1, 2]));
    // Below it: whoever left since it was last at the minimum.
    expect(changeForIsr(partition(1, [1, 2]), [1], elr([]))).toEqual({ leader: 1, isr: [1], elr: [2], lastKnownElr: [] });
    expect(changeForIsr(partition(1, [1, 2, 3]), [1], elr([]))).toEqual({ leader: 1, isr: [1], elr: [2, 3], lastKnownElr: [] });
    // A replica that catches up again leaves the ELR with the ISR back at the minimum.
    expect(changeForIsr(partition(1, [1], [1, 2, 3], [2, 3]), [1, 3], elr([]))).toEqual(plain(1, [1, 3]));
  });

  it('empties the ISR when its last member leaves, remembers the last leader, and elects from the ELR', () => {
    // Leader 1 alone in the ISR, 2 in the ELR and live: 2 leads, alone in the ISR.
    expect(changeForDeparture(partition(1, [1], [1, 2, 3], [2]), 1, elr([1]))).toEqual({ leader: 2, isr: [2], elr: [1], lastKnownElr: [] });
    // Nobody in the ELR is live: no leader, an empty ISR, and the last leader remembered.
    expect(changeForDeparture(partition(1, [1], [1, 2, 3], [2]), 1, elr([1, 2]))).toEqual({ leader: -1, isr: [], elr: [1, 2], lastKnownElr: [1] });
    // An ELR member comes back first: it leads.
    expect(changeForElection(partition(-1, [], [1, 2, 3], [1, 2], [1]), elr([1, 3]))).toEqual({ leader: 2, isr: [2], elr: [1], lastKnownElr: [] });
    // Without ELR (Kafka 3.9), the last member stays in the ISR and nobody else may lead.
    expect(changeForDeparture(partition(1, [1], [1, 2, 3]), 1, rules([1]))).toEqual(plain(-1, [1]));
  });

  it('remembers a real last leader when the last ISR members leave together, so that it leads again when it returns', () => {
    // Both sessions expire in one tick: the first departure leaves no live leader, the second empties the ISR.
    const first = changeForDeparture(partition(1, [1, 2], [1, 2, 3], [], []), 1, rules([1, 2], { elr: { minIsr: 1 } }))!;
    expect(first).toEqual({ leader: -1, isr: [2], elr: [], lastKnownElr: [] });
    const second = changeForDeparture(partition(-1, first.isr, [1, 2, 3], first.elr, first.lastKnownElr), 2, rules([1, 2], { elr: { minIsr: 1 } }))!;
    expect(second).toEqual({ leader: -1, isr: [], elr: [2], lastKnownElr: [2] });
    // Node 2 back from its crash leaves the ELR; once it is eligible, it leads as the last known leader.
    const back = partition(-1, [], [1, 2, 3], [], [2]);
    expect(changeForElection(back, rules([1], { elr: { minIsr: 1 } }))).toEqual({ leader: 2, isr: [2], elr: [], lastKnownElr: [] });
  });

  it('drops a replica back from an unclean shutdown from the ELR; the last known leader leads again once the ELR is empty', () => {
    const offline = partition(-1, [], [1, 2, 3], [1, 2], [1]);
    expect(changeForUncleanShutdown(offline, elr([1, 2], { uncleanShutdown: [3] }))).toBeUndefined();
    // The broker registering again is not eligible yet (fenced until it catches up).
    const without2 = changeForUncleanShutdown(offline, elr([1, 2], { uncleanShutdown: [2] }))!;
    expect(without2).toEqual({ leader: -1, isr: [], elr: [1], lastKnownElr: [1] });
    const without1 = changeForUncleanShutdown({ ...offline, elr: without2.elr }, elr([1, 3], { uncleanShutdown: [1] }))!;
    expect(without1).toEqual({ leader: -1, isr: [], elr: [], lastKnownElr: [1] });
    // Replica 2 is live but was not in the ELR: it may not lead. The last leader may, once it is back.
    const empty = { ...offline, elr: [] };
    expect(changeForElection(empty, elr([1, 3]))).toBeUndefined();
    expect(changeForElection(empty, elr([3]))).toEqual({ leader: 1, isr: [1], elr: [], lastKnownElr: [] });
  });

  it('elects any live replica with unclean leader election only when neither ISR nor ELR has one', () => {
    expect(changeForElection(partition(-1, [], [1, 2, 3], [1]), elr([1], { unclean: true }))).toEqual({ leader: 2, isr: [2], elr: [], lastKnownElr: [] });
    expect(changeForElection(partition(-1, [], [1, 2, 3], [3]), elr([1], { unclean: true }))).toEqual({ leader: 3, isr: [3], elr: [], lastKnownElr: [] });
  });
});
