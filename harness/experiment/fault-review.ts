// After a run, from its history: a fault that took away the process of a node leading a workload
// partition must be followed by a new leader epoch of that partition (the controller noticed and
// moved, or re-elected, leadership). Otherwise the fault did not matter to the log the experiment
// is about, and a "nothing lost" would prove nothing.
import type { FaultRecord } from '../nemesis/schedule.js';
import type { LeaderChange } from '../report/timeline.js';

/** Kinds that end a node's process: whatever it led must get a new leader epoch. */
const LEADER_LOSING_KINDS = new Set(['kill', 'stop', 'wipe']);

function leaderAt(leaders: readonly LeaderChange[], partition: number, time: number): LeaderChange | undefined {
  let found: LeaderChange | undefined;
  for (const l of leaders) if (l.partition === partition && l.time <= time) found = l;
  return found;
}

/**
 * Adds the leader-epoch evidence to each leader-losing step (in place) and returns what could not
 * be shown, one line per step and partition.
 */
export function reviewLeaderLoss(records: FaultRecord[], leaders: readonly LeaderChange[]): string[] {
  const problems: string[] = [];
  const partitions = [...new Set(leaders.map((l) => l.partition))];
  for (const record of records) {
    if (record.error !== undefined || record.injectedAt === undefined || !LEADER_LOSING_KINDS.has(record.fault)) continue;
    for (const partition of partitions) {
      const before = leaderAt(leaders, partition, record.injectedAt);
      if (before === undefined || before.leader < 0 || !record.nodes.includes(before.leader) || before.epoch < 0) continue;
      const next = leaders.find((l) => l.partition === partition && l.time > record.injectedAt! && l.epoch > before.epoch);
      const what = `step ${record.step} (${record.fault} of node ${record.nodes.join(', ')})`;
      if (next === undefined) {
        problems.push(`${what}: node ${before.leader} led partition ${partition} in epoch ${before.epoch} and no new leader epoch followed`);
        continue;
      }
      const line = `partition ${partition}: leader epoch ${before.epoch} (node ${before.leader}) → ${next.epoch} (${next.leader < 0 ? 'no leader' : `node ${next.leader}`}) ${Math.round(next.time - record.injectedAt)} ms later`;
      // A stored run judged again already has it.
      if (!(record.evidence ?? []).includes(line)) (record.evidence ??= []).push(line);
    }
  }
  return problems;
}
