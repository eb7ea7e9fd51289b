// How the controller changes a partition when brokers come and go, after KRaft's
// PartitionChangeBuilder: leaders come from the ISR (in replica order), or with unclean leader
// election from any live replica; a broker leaving is removed from the ISR unless it is the last
// member, which stays (leader -1, the partition offline) until it returns, as KRaft does.
import type { PartitionRegistration } from './metadata-image.js';
import { NO_LEADER, NO_LEADER_CHANGE } from './metadata-records.js';

export interface ElectionRules {
  /** A broker that may lead or join the ISR: registered, unfenced, not shutting down. */
  eligible(brokerId: number): boolean;
  /** unclean.leader.election.enable for the partition's topic. */
  unclean: boolean;
  /** broker.ts.bug.elect.any.replica: pick the first live replica whatever the ISR (unsafe on purpose). */
  electAnyReplica: boolean;
}

export interface PartitionChange {
  leader: number;
  isr: number[];
}

/** The change a partition needs once `brokerId` leaves (fenced or shutting down), or undefined. */
export function changeForDeparture(partition: PartitionRegistration, brokerId: number, rules: ElectionRules): PartitionChange | undefined {
  if (!partition.replicas.includes(brokerId)) return undefined;
  let isr = partition.isr.filter((id) => id !== brokerId);
  if (isr.length === 0) isr = [...partition.isr];
  const leaderStays = partition.leader !== brokerId && partition.leader !== NO_LEADER && rules.eligible(partition.leader);
  const change = leaderStays ? { leader: partition.leader, isr } : elect(partition, isr, rules);
  return differs(partition, change) ? change : undefined;
}

/** The change a leaderless partition needs now that more brokers are eligible, or undefined. */
export function changeForElection(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  if (partition.leader !== NO_LEADER && rules.eligible(partition.leader)) return undefined;
  const change = elect(partition, [...partition.isr], rules);
  return differs(partition, change) ? change : undefined;
}

/**
 * ElectLeaders, preferred (KIP-183): the first replica leads, if it is in the ISR and eligible;
 * undefined when it cannot.
 */
export function preferredLeaderElection(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  const preferred = partition.replicas[0];
  if (preferred === undefined || !partition.isr.includes(preferred) || !rules.eligible(preferred)) return undefined;
  return { leader: preferred, isr: [...partition.isr] };
}

/**
 * ElectLeaders, unclean (KIP-460), for a partition without a leader: an eligible ISR member, else
 * any eligible replica (which is then the ISR alone), whatever the topic's
 * unclean.leader.election.enable; undefined when no replica is eligible.
 */
export function uncleanLeaderElection(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  const change = elect(partition, [...partition.isr], { ...rules, unclean: true, electAnyReplica: false });
  return change.leader === NO_LEADER ? undefined : change;
}

function elect(partition: PartitionRegistration, isr: number[], rules: ElectionRules): PartitionChange {
  if (rules.electAnyReplica) {
    const any = partition.replicas.find((id) => rules.eligible(id) && !isr.includes(id)) ?? partition.replicas.find((id) => rules.eligible(id));
    if (any !== undefined) return { leader: any, isr: isr.includes(any) ? isr : [any] };
  }
  const clean = partition.replicas.find((id) => isr.includes(id) && rules.eligible(id));
  if (clean !== undefined) return { leader: clean, isr };
  if (rules.unclean) {
    const unclean = partition.replicas.find((id) => rules.eligible(id));
    // The new leader's log is the truth from now on: it is the ISR alone.
    if (unclean !== undefined) return { leader: unclean, isr: [unclean] };
  }
  return { leader: NO_LEADER, isr };
}

function differs(partition: PartitionRegistration, change: PartitionChange): boolean {
  return change.leader !== partition.leader || change.isr.length !== partition.isr.length || change.isr.some((id, i) => partition.isr[i] !== id);
}

/** The PartitionChangeRecord fields for a change ("unchanged" where nothing changed). */
export function changeRecordFields(partition: PartitionRegistration, change: PartitionChange): { leader: number; isr: number[] | null } {
  const isrChanged = change.isr.length !== partition.isr.length || change.isr.some((id, i) => partition.isr[i] !== id);
  return { leader: change.leader === partition.leader ? NO_LEADER_CHANGE : change.leader, isr: isrChanged ? change.isr : null };
}
