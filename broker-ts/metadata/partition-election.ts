// How the controller changes a partition, after KRaft's PartitionChangeBuilder: a target ISR (a
// broker left, a leader asked for a change) or none (an election), then the eligible leader
// replicas, the leader, and the last known leader that follow from it.
//
// Leaders come from the ISR in replica order, or with unclean leader election from any live
// replica. Without eligible leader replicas (KIP-966 off) the last ISR member stays in the ISR when
// it leaves, with no leader, until it returns, as KRaft did before it. With them, the ISR may
// empty: a replica that leaves the ISR while it is below min.insync.replicas joins the ELR (the
// high watermark stood still meanwhile, so it holds everything below it), an empty ISR elects from
// the ELR, and with neither the last leader, remembered as the last known ELR, leads again when it
// returns (an unclean election, as Kafka counts it). A replica that restarted after an unclean
// shutdown leaves the ELR: its log may be missing what it had.
import type { PartitionRegistration } from './metadata-image.js';
import { NO_LEADER, NO_LEADER_CHANGE } from './metadata-records.js';

export interface ElectionRules {
  /** A broker that may lead or join the ISR: registered, unfenced, not shutting down. */
  eligible(brokerId: number): boolean;
  /** unclean.leader.election.enable for the partition's topic. */
  unclean: boolean;
  /** broker.ts.bug.elect.any.replica: pick the first live replica whatever the ISR (unsafe on purpose). */
  electAnyReplica: boolean;
  /** With eligible.leader.replicas.version 1: the partition's min.insync.replicas (never above its replica count). */
  elr?: { minIsr: number };
  /** Brokers registering again after an unclean shutdown (their previous epoch not named, KIP-966): never in the ELR. */
  uncleanShutdown?: readonly number[];
}

export interface PartitionChange {
  leader: number;
  isr: number[];
  elr: number[];
  lastKnownElr: number[];
}

type Election = 'online' | 'preferred' | 'unclean';

/** The change a partition needs once `brokerId` leaves (fenced or shutting down), or undefined. */
export function changeForDeparture(partition: PartitionRegistration, brokerId: number, rules: ElectionRules): PartitionChange | undefined {
  if (!partition.replicas.includes(brokerId)) return undefined;
  return changed(partition, build(partition, { isr: partition.isr.filter((id) => id !== brokerId) }, rules));
}

/** The change a leaderless partition needs now that more brokers are eligible, or undefined. */
export function changeForElection(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  if (partition.leader !== NO_LEADER && rules.eligible(partition.leader)) return undefined;
  return changed(partition, build(partition, {}, rules));
}

/** The change an ISR the leader asked for (AlterPartition) makes: the ISR, and the ELR that follows from it. */
export function changeForIsr(partition: PartitionRegistration, isr: readonly number[], rules: ElectionRules): PartitionChange {
  return build(partition, { isr: [...isr] }, rules);
}

/**
 * Brokers registered again after an unclean shutdown (`rules.uncleanShutdown`) leave the ELR of
 * the partitions they were in; undefined where nothing changes.
 */
export function changeForUncleanShutdown(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  if (!partition.elr.some((id) => rules.uncleanShutdown?.includes(id))) return undefined;
  return changed(partition, build(partition, {}, rules));
}

/**
 * ElectLeaders, preferred (KIP-183): the first replica leads, if it is in the ISR and eligible;
 * undefined when it cannot.
 */
export function preferredLeaderElection(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  const preferred = partition.replicas[0];
  if (preferred === undefined || !partition.isr.includes(preferred) || !rules.eligible(preferred)) return undefined;
  return build(partition, { election: 'preferred' }, rules);
}

/**
 * ElectLeaders, unclean (KIP-460), for a partition without a leader: an eligible ISR (or, with an
 * empty ISR, ELR) member, else any eligible replica (which is then the ISR alone), whatever the
 * topic's unclean.leader.election.enable; undefined when no replica is eligible.
 */
export function uncleanLeaderElection(partition: PartitionRegistration, rules: ElectionRules): PartitionChange | undefined {
  const change = build(partition, { election: 'unclean' }, { ...rules, electAnyReplica: false });
  return change.leader === NO_LEADER ? undefined : change;
}

/** The PartitionChangeRecord fields for a change: null (or "unchanged") where nothing changed. */
export function changeRecordFields(
  partition: PartitionRegistration,
  change: Pick<PartitionRegistration, 'leader' | 'isr' | 'elr' | 'lastKnownElr'>,
): { leader: number; isr: number[] | null; eligibleLeaderReplicas: number[] | null; lastKnownElr: number[] | null } {
  const ifChanged = (now: readonly number[], before: readonly number[]) => (sameList(now, before) ? null : [...now]);
  return {
    leader: change.leader === partition.leader ? NO_LEADER_CHANGE : change.leader,
    isr: ifChanged(change.isr, partition.isr),
    eligibleLeaderReplicas: ifChanged(change.elr, partition.elr),
    lastKnownElr: ifChanged(change.lastKnownElr, partition.lastKnownElr),
  };
}

interface Target {
  /** The ISR asked for; the current one when absent. */
  isr?: number[];
  election?: Election;
}

function build(partition: PartitionRegistration, target: Target, rules: ElectionRules): PartitionChange {
  const election: Election = target.election ?? (rules.unclean ? 'unclean' : 'online');
  let isr = target.isr ?? [...partition.isr];
  let elr = [...partition.elr];
  if (rules.elr !== undefined) {
    if (isr.length >= rules.elr.minIsr) elr = [];
    else {
      // Who was in the ISR or the ELR and is not in the new ISR, in broker id order as KRaft lists them.
      const uncleanShutdown = rules.uncleanShutdown ?? [];
      elr = [...new Set([...elr, ...partition.isr])].filter((id) => !isr.includes(id) && !uncleanShutdown.includes(id)).sort((a, b) => a - b);
    }
  }

  const valid = (id: number | undefined): id is number =>
    id !== undefined && id >= 0 && (isr.includes(id) || (isr.length === 0 && elr.includes(id))) && rules.eligible(id);
  const elected = electLeader(partition, isr, elr, valid, election, rules);
  if (elected.leader !== partition.leader) {
    if (elr.includes(elected.leader)) {
      isr = [elected.leader];
      elr = elr.filter((id) => id !== elected.leader);
    } else if (elected.unclean) {
      // The new leader's log is the truth from now on: it is the ISR alone.
      isr = [elected.leader];
    }
  }
  if (elected.unclean || rules.elr === undefined) elr = [];
  // Without ELR the ISR never empties: its last member stays in it.
  if (isr.length === 0 && rules.elr === undefined) isr = [...partition.isr];

  let lastKnownElr = [...partition.lastKnownElr];
  if (rules.elr !== undefined) {
    const leaderField = elected.leader === partition.leader ? NO_LEADER_CHANGE : elected.leader;
    const lastIsTheLeader = partition.lastKnownElr.length === 1 && partition.lastKnownElr[0] === partition.leader;
    // The last leader, or, when the ISR's last members leave together (their sessions expiring in
    // one controller tick, where Kafka fences one broker at a time), the first of them: never -1.
    if (isr.length === 0 && partition.isr.length > 0 && !lastIsTheLeader)
      lastKnownElr = [partition.leader !== NO_LEADER ? partition.leader : partition.isr[0]!];
    else if ((leaderField >= 0 || (partition.leader !== NO_LEADER && leaderField !== NO_LEADER)) && partition.lastKnownElr.length > 0) lastKnownElr = [];
  }
  return { leader: elected.leader, isr, elr, lastKnownElr };
}

function electLeader(
  partition: PartitionRegistration,
  isr: readonly number[],
  elr: readonly number[],
  valid: (id: number | undefined) => id is number,
  election: Election,
  rules: ElectionRules,
): { leader: number; unclean: boolean } {
  const replicas = partition.replicas;
  if (election === 'preferred' && valid(replicas[0])) return { leader: replicas[0], unclean: false };
  if (valid(partition.leader)) return { leader: partition.leader, unclean: false };
  if (rules.electAnyReplica) {
    const any = replicas.find((id) => rules.eligible(id) && !isr.includes(id)) ?? replicas.find((id) => rules.eligible(id));
    if (any !== undefined) return { leader: any, unclean: !isr.includes(any) };
  }
  const clean = replicas.find(valid);
  if (clean !== undefined) return { leader: clean, unclean: false };
  // The last leader of a partition left with neither ISR nor ELR: it is back, and leads again.
  const lastKnown = partition.lastKnownElr[0];
  if (rules.elr !== undefined && isr.length === 0 && elr.length === 0 && partition.lastKnownElr.length === 1 && rules.eligible(lastKnown!))
    return { leader: lastKnown!, unclean: true };
  if (election === 'unclean') {
    const unclean = replicas.find((id) => rules.eligible(id));
    if (unclean !== undefined) return { leader: unclean, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

function changed(partition: PartitionRegistration, change: PartitionChange): PartitionChange | undefined {
  const fields = changeRecordFields(partition, change);
  return fields.leader === NO_LEADER_CHANGE && fields.isr === null && fields.eligibleLeaderReplicas === null && fields.lastKnownElr === null
    ? undefined
    : change;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}
