// A workload is one part of an experiment's load, after Jepsen's client and generator: producers, a
// consumer group, an exactly-once pipeline. The runner starts, finishes and stops whichever the
// experiment has, and the checker asks each for its own judgement; neither knows them by name.
// Adding a workload is one module that exports a WorkloadKind, listed in workload-kinds.ts.
import type { ClusterObserver } from '../clients/observer.js';
import type { ExperimentParts } from '../experiment/sections.js';
import type { Operation } from '../history/operation.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { WorkloadResults } from '../report/workload-results.js';
import type { Cluster } from '../runtime/cluster.js';
import type { DrainOptions } from './drain.js';
import type { DrainResult } from './drain-extent.js';

/**
 * What faults reach each workload by, filled by the workload modules (declaration merging):
 * `ctx.workloads.consumers` for kill-consumer, say.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface WorkloadHandles {}

export type WorkloadName = keyof WorkloadHandles & string;

export interface WorkloadSetup {
  experiment: ExperimentParts;
  cluster: Cluster;
  observer: ClusterObserver;
  recorder: HistoryRecorder;
  /** The run's folder: where the workload's own histories and logs go. */
  dir: string;
}

/** What a workload may do once the drain has read the log to its end. */
export interface FinishContext {
  /** The workload topic's end offsets, as the drain found them. */
  endOffsets: ReadonlyMap<number, number>;
  result: WorkloadResults;
  /** Reads a topic to its end into the history, as the drain does. */
  drain(topic: string, options: DrainOptions): Promise<DrainResult>;
}

export interface RunningWorkload<H = unknown> {
  /** What fault kinds act on. */
  readonly handle: H;
  start(): Promise<void>;
  /** Stops offering load and waits (up to `settleMs`) for what is outstanding: producers only. */
  quiesce?(settleMs: number): Promise<void>;
  /** After the drain: catches up with the log and records what the checker needs; throws if it cannot. */
  finish?(ctx: FinishContext): Promise<void>;
  /** Stops everything at once (the end of the run, or an aborted one). */
  stop(): Promise<void>;
  historyFiles(): string[];
  journalFiles(): string[];
  /** Errors of its sends, counted by message (producers). */
  sendErrors?(): Record<string, number>;
}

/** A workload's share of the checking: fed the run's operations and journals, then fills its part of the result. */
export interface WorkloadChecker {
  add(op: Operation): void;
  addJournal?(file: string): void;
  judge(result: WorkloadResults): void;
}

export interface WorkloadKind<N extends WorkloadName = WorkloadName> {
  name: N;
  /** Lower starts first: what consumes the topic is running before anything produces to it. */
  startOrder: number;
  present(experiment: ExperimentParts): boolean;
  /** Topics it needs besides the experiment's own. */
  topics?(experiment: ExperimentParts): string[];
  create(setup: WorkloadSetup): RunningWorkload<WorkloadHandles[N]>;
  checker?(experiment: ExperimentParts): WorkloadChecker;
}

export function defineWorkload<N extends WorkloadName>(kind: WorkloadKind<N>): WorkloadKind<N> {
  return kind;
}
