// broker-ts's unsafe settings (broker.ts.bug.*), each a broker bug of one kind, with the catalogue
// experiment that must catch it and the anomaly class it must be caught by. A mutant is caught when
// its run fails with that class counted and named in the reason, and with a complete drain (so the
// failure is the bug's, not an unread log's); the same experiment and seed must pass without it.
import { join } from 'node:path';
import { findExperiment } from '../experiment/load.js';
import { runExperiment } from '../experiment/runner.js';
import type { Experiment } from '../experiment/schema.js';
import type { RunResult } from '../report/result.js';

export interface Mutant {
  /** The broker-ts setting that turns the bug on. */
  setting: string;
  /** What the bug does. */
  bug: string;
  /** The catalogue experiment that must catch it. */
  experiment: string;
  /**
   * The anomaly class it must be caught by, or the classes any one of which shows it (a bug whose
   * trace depends on timing: two members reading at once, or one re-reading what another did).
   */
  catches: string | readonly string[];
}

/** The classes that catch a mutant. */
export function catchesOf(mutant: Mutant): readonly string[] {
  return typeof mutant.catches === 'string' ? [mutant.catches] : mutant.catches;
}

/** How a report names them: `a` or `a or b`. */
export function catchesLabel(mutant: Mutant): string {
  return catchesOf(mutant).join(' or ');
}

export const MUTANTS: readonly Mutant[] = [
  {
    setting: 'broker.ts.bug.ack.before.replication',
    bug: 'acks=all answered once the leader has appended, before the ISR has the batch (the high watermark ahead of the ISR)',
    experiment: 'acksall-leader-kill',
    catches: 'lost',
  },
  {
    setting: 'broker.ts.bug.ack.before.replication',
    bug: 'the same, with the leader losing power while its followers are behind: its unsynced bytes held what it acknowledged alone',
    experiment: 'power-loss-leader',
    catches: 'lost',
  },
  {
    setting: 'broker.ts.bug.ack.before.replication',
    bug: "the same, with the leader's disk failing while its followers are behind",
    experiment: 'disk-eio-leader',
    catches: 'lost',
  },
  {
    setting: 'broker.ts.bug.elect.any.replica',
    bug: 'the controller elects any live replica, preferring one outside the ISR',
    experiment: 'unclean-election-off',
    catches: 'lost',
  },
  {
    setting: 'broker.ts.bug.elect.any.replica',
    bug: 'the same, during a reassignment: the leader killed while a new replica copies the log, the controller elects that replica',
    experiment: 'reassignment-leader-kill',
    catches: 'lost',
  },
  {
    setting: 'broker.ts.bug.skip.truncation',
    bug: "a follower keeps a diverging suffix instead of truncating it to the leader's log",
    experiment: 'replica-rejoins-diverged',
    catches: 'inconsistentOffsets',
  },
  {
    setting: 'broker.ts.bug.fetch.skips.batch',
    bug: 'a consumer read of three or more batches of a partition leaves out the second',
    experiment: 'acksall-leader-kill',
    catches: 'intPollSkips',
  },
  {
    setting: 'broker.ts.bug.skip.dedupe',
    bug: 'idempotent batches are appended as if they had no producer id, so a retry is stored again',
    experiment: 'idempotence-on-network-reset',
    catches: 'duplicated',
  },
  {
    setting: 'broker.ts.bug.flush.skips.fsync',
    bug: 'a log flush (here one per message, log.flush.interval.messages=1) reports the data durable without fsyncing it',
    experiment: 'power-loss-flush-every-message',
    catches: 'lost',
  },
  {
    setting: 'broker.ts.bug.raft.resumes.leadership',
    bug: 'a controller restarted on an old copy of its data dir leads its stored epoch again, writing entries where that epoch already has others',
    experiment: 'rollback-controller',
    catches: 'splitEpochs',
  },
  {
    setting: 'broker.ts.bug.fetch.omits.aborted',
    bug: 'read_committed fetches list no aborted transactions',
    experiment: 'eos-producer-zombie',
    catches: 'abortedReads',
  },
  {
    setting: 'broker.ts.bug.hw.ignores.min.isr',
    bug: 'the high watermark moves while the ISR is below min.insync.replicas: a consumer reads acks=1 writes that only the isolated leader has, and the follower elected from the ELR lacks them',
    experiment: 'elr-leader-isolated',
    catches: 'lostReads',
  },
  {
    setting: 'broker.ts.bug.group.skips.revocation',
    bug: 'a KIP-848 consumer group gives a partition to a new member while the member that holds it has not revoked it yet',
    experiment: 'consumer-protocol-member-kill',
    catches: ['splitOwnership', 'processedDuplicates'],
  },
];

/** Every mutant of a setting (one per experiment that must catch it). */
export function mutantsNamed(setting: string): Mutant[] {
  return MUTANTS.filter((m) => m.setting === setting || m.setting === `broker.ts.bug.${setting}`);
}

/** The experiment with the bug on (its name says so, so that runs of both live side by side). */
export function withBug(experiment: Experiment, setting: string): Experiment {
  return {
    ...experiment,
    name: `${experiment.name}-${setting.replace(/^broker\.ts\.bug\./, '').replaceAll('.', '-')}`,
    cluster: { ...experiment.cluster, broker: { ...experiment.cluster.broker, [setting]: 'true' } },
  };
}

/** Why a run with the mutant on does not count as caught, or undefined when it does. */
export function notCaught(mutant: Mutant, result: RunResult): string | undefined {
  if (result.verdict !== 'fail') return `verdict ${result.verdict} (${result.reason})`;
  if (!result.drain?.complete) return `the drain was incomplete (${result.reason})`;
  const shown = catchesOf(mutant).filter((name) => (result.anomalyClasses.find((a) => a.name === name)?.count ?? 0) > 0);
  if (shown.length === 0) return `no ${catchesLabel(mutant)} (${result.reason})`;
  if (!shown.some((name) => result.reason.includes(`${name} `))) return `${shown.join(' or ')} not named in the reason (${result.reason})`;
  return undefined;
}

export interface MutantRun {
  mutant: Mutant;
  seed: number;
  /** With the bug on: caught, or why not. */
  on: RunResult;
  onProblem: string | undefined;
  /** The same experiment and seed with the bug off: must pass. */
  off: RunResult;
}

/**
 * Runs a mutant's experiment on broker-ts with the bug on and off, at one seed (each seed in a
 * folder of its own). The two runs go side by side, each on a cluster of its own: a broker-ts
 * cluster under an experiment's load uses about half a core, so two fit the two cores of a CI
 * machine, and both verdicts rest on the same guards as a run alone.
 */
export async function runMutant(mutant: Mutant, seed: number, runsDir: string, offRuns = new Map<string, Promise<RunResult>>()): Promise<MutantRun> {
  const experiment = findExperiment(mutant.experiment);
  const runDir = join(runsDir, `seed-${seed}`);
  const runOn = runExperiment(withBug(experiment, mutant.setting), 'broker-ts', { runId: 'mutants', runDir, seed });
  // Mutants that share an experiment share its run without a bug.
  const key = `${mutant.experiment}\u0000${seed}`;
  if (!offRuns.has(key)) offRuns.set(key, runExperiment(experiment, 'broker-ts', { runId: 'mutants', runDir, seed }));
  const [on, off] = await Promise.all([runOn, offRuns.get(key)!]);
  return { mutant, seed, on, onProblem: notCaught(mutant, on), off };
}
