import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Anomalies, Counts, PartitionSummary } from '../checker/queue-checker.js';
import type { AnomalyOutcome } from '../checker/anomaly-classes.js';
import type { PollResult } from '../checker/poll-checker.js';
import type { Experiment } from '../experiment/schema.js';
import type { ExpectationOutcome } from '../experiment/expectation.js';
import type { FaultRecord } from '../nemesis/schedule.js';
import type { BrokerKind } from '../runtime/cluster.js';
import type { DrainResult } from '../workload/drain-extent.js';
import type { ExplainedLoss } from './explain.js';
import type { Timeline } from './timeline.js';
import type { WorkloadResults } from './workload-results.js';

export type Verdict = 'pass' | 'fail' | 'not-applicable' | 'error';

/** Everything one experiment run on one broker produced: the contract of result.json. */
export interface RunResult extends WorkloadResults {
  experiment: string;
  description: string;
  broker: BrokerKind;
  brokerVersion: string;
  runtime: 'process' | 'docker';
  runId: string;
  seed: number;
  startedAt: string;
  config: {
    nodes: number;
    broker: Record<string, string>;
    topic: { name: string; partitions: number; replicationFactor: number; config: Record<string, string> };
    producers: Record<string, unknown>[];
    workload: { durationMs: number; settleMs: number; recoveryMs: number };
    kafkajs: string;
    /** The listeners' security (--security): "plaintext", "ssl", "sasl_ssl (SCRAM-SHA-512)"... */
    security?: string;
  };
  faults: FaultRecord[];
  /** Faults that struck without the effect they must have had (a killed leader never replaced). */
  faultProblems: string[];
  counts: Counts;
  /** Counts per producer, when the experiment runs several. */
  byClient: Record<string, Counts>;
  anomalies: Anomalies;
  /** Poll order anomalies of the drain and of the consumer group's members. */
  polls: PollResult | undefined;
  /** Every anomaly class the experiment has the parts for, counted, with the experiment's reason where it allows it. */
  anomalyClasses: AnomalyOutcome[];
  /** What makes the history itself unsound (an id invoked twice, a send completed twice): the run is then an error. */
  historyProblems: string[];
  /** Lost messages (up to 1,000), each with the evidence that explains it. */
  lost: ExplainedLoss[];
  partitions: PartitionSummary[];
  /** When the workload offered load, in ms since the run started (the history's clock). */
  workload: { startMs: number; endMs: number } | undefined;
  /** Throughput, latency and leadership over time. */
  timeline: Timeline | undefined;
  /** Errors of sends that failed or whose outcome is unknown, by message. */
  sendErrors: Record<string, number>;
  drain: DrainResult | undefined;
  /** The cluster had recovered (all nodes back, full ISR) before the drain. */
  recovered: boolean;
  expectation: Record<string, string>;
  expectationResults: ExpectationOutcome[];
  verdict: Verdict;
  /** Why the verdict is what it is, in one line. */
  reason: string;
  /** Every error the harness met, in any phase (the verdict is then `error`). */
  errors: string[];
  timings: Record<string, number>;
  /** Paths relative to the run's directory: everything `kafka-chaos check` needs to judge the run again. */
  files: { history: string; logs: string; histories: string[]; journals: string[] };
  /** The experiment as it ran (after defaults), for judging the run again. */
  definition?: Experiment;
}

/** What a result holds before its run is judged: nothing counted, found or decided yet. */
export function unjudgedParts(): Pick<
  RunResult,
  | 'faultProblems'
  | 'counts'
  | 'byClient'
  | 'anomalies'
  | 'polls'
  | 'anomalyClasses'
  | 'historyProblems'
  | 'lost'
  | 'partitions'
  | 'timeline'
  | 'processing'
  | 'transactions'
  | 'sendErrors'
  | 'expectationResults'
  | 'verdict'
  | 'reason'
  | 'errors'
  | 'timings'
  | 'committedOffsets'
> {
  return {
    faultProblems: [],
    counts: { attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, lost: 0, recovered: 0, duplicated: 0, unexpected: 0 },
    byClient: {},
    anomalies: {
      inconsistentOffsets: [],
      lostWrites: 0,
      reordered: [],
      failedButRead: [],
      offsetMismatches: [],
      unexpectedValues: [],
      phantomAcks: [],
      corruptedValues: [],
      lostReads: [],
    },
    polls: undefined,
    anomalyClasses: [],
    historyProblems: [],
    lost: [],
    partitions: [],
    timeline: undefined,
    processing: undefined,
    transactions: undefined,
    sendErrors: {},
    expectationResults: [],
    verdict: 'error',
    reason: '',
    errors: [],
    timings: {},
    committedOffsets: {},
  };
}

/** Written to a temp file and renamed, so a crash never leaves a half-written result. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}
