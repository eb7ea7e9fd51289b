import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Anomalies, Counts, LostMessage, PartitionSummary } from '../checker/queue-checker.js';
import type { ExpectationOutcome, Measure } from '../experiment/expectation.js';
import type { FaultRecord } from '../nemesis/schedule.js';
import type { BrokerKind } from '../runtime/cluster.js';
import type { DrainResult } from '../workload/drain.js';

export type Verdict = 'pass' | 'fail' | 'not-applicable' | 'error';

/** Everything one experiment run on one broker produced: the contract of result.json. */
export interface RunResult {
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
    producer: Record<string, unknown>;
    workload: { durationMs: number; settleMs: number; recoveryMs: number };
    kafkajs: string;
  };
  faults: FaultRecord[];
  counts: Counts;
  anomalies: Anomalies;
  lost: LostMessage[];
  partitions: PartitionSummary[];
  /** Errors of sends that failed or whose outcome is unknown, by message. */
  sendErrors: Record<string, number>;
  drain: DrainResult | undefined;
  /** The cluster had recovered (all nodes back, full ISR) before the drain. */
  recovered: boolean;
  expectation: Partial<Record<Measure, string>>;
  expectationResults: ExpectationOutcome[];
  verdict: Verdict;
  /** Why the verdict is what it is, in one line. */
  reason: string;
  timings: Record<string, number>;
  files: { history: string; logs: string };
}

/** Written to a temp file and renamed, so a crash never leaves a half-written result. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}
