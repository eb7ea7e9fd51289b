// How a partition's replicas move (KIP-455), after KRaft's PartitionReassignmentReplicas and
// PartitionChangeBuilder: a reassignment first adds the target's new replicas to the assignment
// (target first, then the replicas being removed); they fetch from the leader and join the ISR as
// they catch up, and the ISR change that brings the last of them in also completes the move: the
// assignment becomes the target, the removed replicas leave the ISR, and a leader being removed
// hands over to the first target replica in the ISR. Pure functions of the registration.
import type { PartitionRegistration } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { NO_LEADER, NO_LEADER_CHANGE, partitionChange } from './metadata-records.js';

export interface ReplicaSetChange {
  replicas: number[];
  isr: number[];
  leader: number;
  addingReplicas: number[];
  removingReplicas: number[];
}

/** The assignment before the ongoing reassignment began (the assignment itself when none is going on). */
export function originalReplicas(partition: PartitionRegistration): number[] {
  return partition.replicas.filter((id) => !partition.addingReplicas.includes(id));
}

export function isReassigning(partition: PartitionRegistration): boolean {
  return partition.addingReplicas.length > 0 || partition.removingReplicas.length > 0;
}

/**
 * A reassignment to `target`, replacing any ongoing one: replicas of an abandoned target that are
 * not in the new one leave at once. Completed on the spot when no replica has to catch up.
 */
export function startReassignment(partition: PartitionRegistration, target: readonly number[], eligible: (id: number) => boolean): ReplicaSetChange {
  const original = originalReplicas(partition);
  const removing = original.filter((id) => !target.includes(id));
  const replicas = [...target, ...removing];
  const started: ReplicaSetChange = {
    replicas,
    isr: partition.isr.filter((id) => replicas.includes(id)),
    leader: partition.leader,
    addingReplicas: target.filter((id) => !original.includes(id)),
    removingReplicas: removing,
  };
  return completeIfCaughtUp(started, eligible) ?? withLeaderInIsr(started, replicas, eligible);
}

/**
 * Cancels the ongoing reassignment: back to the original assignment, the replicas it added out of
 * the ISR. If that leaves no ISR, the original replicas are the ISR again and a live one leads,
 * as KRaft's PartitionReassignmentRevert falls back to an unclean choice.
 */
export function revertReassignment(partition: PartitionRegistration, eligible: (id: number) => boolean): ReplicaSetChange {
  const replicas = originalReplicas(partition);
  let isr = partition.isr.filter((id) => replicas.includes(id));
  if (isr.length === 0) isr = [...replicas];
  return withLeaderInIsr({ replicas, isr, leader: partition.leader, addingReplicas: [], removingReplicas: [] }, replicas, eligible);
}

/**
 * The completed move, once every adding replica is in the ISR and some target replica is: the
 * assignment is the target, the ISR its members; undefined while replicas are still catching up.
 */
export function completeIfCaughtUp(state: ReplicaSetChange, eligible: (id: number) => boolean): ReplicaSetChange | undefined {
  if (state.addingReplicas.length === 0 && state.removingReplicas.length === 0) return undefined;
  if (!state.addingReplicas.every((id) => state.isr.includes(id))) return undefined;
  const target = state.replicas.filter((id) => !state.removingReplicas.includes(id));
  const isr = state.isr.filter((id) => target.includes(id));
  if (isr.length === 0) return undefined;
  return withLeaderInIsr({ replicas: target, isr, leader: state.leader, addingReplicas: [], removingReplicas: [] }, target, eligible);
}

/** Keeps the leader if it is in the ISR and in `order`, else the first eligible ISR member in `order` leads (none: no leader). */
function withLeaderInIsr(state: ReplicaSetChange, order: readonly number[], eligible: (id: number) => boolean): ReplicaSetChange {
  if (state.leader !== NO_LEADER && state.isr.includes(state.leader) && order.includes(state.leader)) return state;
  const leader = order.find((id) => state.isr.includes(id) && eligible(id)) ?? NO_LEADER;
  return { ...state, leader };
}

/** The PartitionChangeRecord that makes `change` so, undefined when it changes nothing. */
export function replicaSetChangeRecord(partition: PartitionRegistration, change: ReplicaSetChange): MetadataRecord | undefined {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((id, i) => b[i] === id);
  const changes = {
    replicas: same(change.replicas, partition.replicas) ? null : change.replicas,
    isr: same(change.isr, partition.isr) ? null : change.isr,
    leader: change.leader === partition.leader ? NO_LEADER_CHANGE : change.leader,
    addingReplicas: same(change.addingReplicas, partition.addingReplicas) ? null : change.addingReplicas,
    removingReplicas: same(change.removingReplicas, partition.removingReplicas) ? null : change.removingReplicas,
  };
  if (Object.values(changes).every((v) => v === null || v === NO_LEADER_CHANGE)) return undefined;
  return partitionChange(partition.topicId, partition.partition, changes);
}
