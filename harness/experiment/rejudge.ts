// Judging a run again from what it stored (the Jepsen `analyze` habit): after a checker change, after
// an experiment's `allow` or `expect` changed, or for a history another tool wrote in this format.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { Operation } from '../history/operation.js';
import { readHistory } from '../history/reader.js';
import type { FaultRecord } from '../nemesis/schedule.js';
import { unjudgedParts, type RunResult } from '../report/result.js';
import { judgeRun } from './analysis.js';
import { experimentSchema, type Experiment } from './schema.js';

/** Reads a run's result.json and judges it again; `experiment` replaces the definition it stored. */
export async function rejudgeRun(dir: string, experiment?: Experiment): Promise<RunResult> {
  const file = join(dir, 'result.json');
  if (!existsSync(file)) throw new HarnessError(`${dir}: no result.json (give the folder of one experiment on one broker, or a run's folder)`);
  const result = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  if (result.verdict === 'not-applicable') return result;
  const exp = experiment ?? result.definition;
  if (exp === undefined) throw new HarnessError(`${file} does not hold the experiment it ran (a run from before kafka-chaos check): give it with --experiment`);
  const files = result.files?.histories?.length ? result.files : { ...result.files, histories: ['history.jsonl'], journals: [] };
  const absolute = (f: string) => (isAbsolute(f) ? f : join(dir, f));
  const missing = files.histories.map(absolute).filter((f) => !existsSync(f));
  if (missing.length > 0) throw new HarnessError(`${dir}: history files are missing: ${missing.join(', ')}`);
  const judged: RunResult = {
    ...result,
    definition: exp,
    expectation: exp.expect,
    errors: result.errors ?? [],
    committedOffsets: result.committedOffsets ?? {},
  };
  await judgeRun(exp, judged, { histories: files.histories.map(absolute), journals: (files.journals ?? []).map(absolute) });
  return judged;
}

/** What `check` assumes of a bare history: nothing allowed, every acknowledged message must have been read. */
function bareExperiment(): Experiment {
  return experimentSchema.parse({
    name: 'history',
    description: 'A history judged on its own by kafka-chaos check: every anomaly class forbidden.',
    producer: { acks: 'all' },
    workload: { duration: 1 },
    expect: { lost: 0 },
  });
}

/** Fault records rebuilt from the nemesis operations of a history (evidence from their `detail`). */
function faultsOf(ops: readonly Operation[]): FaultRecord[] {
  const records: FaultRecord[] = [];
  for (const op of ops) {
    if (op.f === 'fault' && op.type === 'invoke')
      records.push({ step: records.length, fault: op.fault, target: undefined, nodes: op.nodes, params: {}, injectedAt: op.time });
    else if (op.f === 'fault' || op.f === 'heal') {
      const record = [...records]
        .reverse()
        .find((r) => r.fault === op.fault && r.nodes.join() === op.nodes.join() && (op.f === 'fault' ? r.evidence === undefined : r.healedAt === undefined));
      if (!record) continue;
      if (op.type === 'ok' && op.f === 'fault') record.evidence = op.detail ? op.detail.split('; ') : [];
      else if (op.type === 'ok') record.healedAt = op.time;
      else record.error = op.detail ?? `${op.f} ${op.type}`;
    }
  }
  return records;
}

/**
 * Judges a history file on its own (a run's history.jsonl, or one another tool wrote in the
 * documented format). Its reads are taken as the run's final reads of every partition.
 */
export async function judgeHistoryFile(file: string, experiment?: Experiment): Promise<RunResult> {
  if (!existsSync(file)) throw new HarnessError(`no history file ${file}`);
  const ops: Operation[] = [];
  for await (const op of readHistory(file)) ops.push(op);
  const exp = experiment ?? bareExperiment();
  const sends = ops.filter((o) => o.f === 'send');
  const result: RunResult = {
    ...unjudgedParts(),
    experiment: exp.name,
    description: exp.description,
    broker: 'kafka',
    brokerVersion: 'unknown',
    runtime: 'process',
    runId: 'check',
    seed: 0,
    startedAt: new Date().toISOString(),
    config: { nodes: 0, broker: {}, topic: exp.topic, producers: exp.producers, workload: { durationMs: 0, settleMs: 0, recoveryMs: 0 }, kafkajs: 'unknown' },
    faults: faultsOf(ops),
    workload: sends.length ? { startMs: sends[0]!.time, endMs: sends.at(-1)!.time } : undefined,
    drain: { complete: true, endOffsets: {}, readUpTo: {}, messagesRead: 0 },
    recovered: true,
    expectation: exp.expect,
    files: { history: file, logs: '', histories: [file], journals: [] },
    definition: exp,
  };
  await judgeRun(exp, result, { histories: [file], journals: [] });
  return result;
}

/** The run folders (each with a result.json) at or below `dir`, up to three levels down (nightly: line/experiment/broker). */
export function runFoldersUnder(dir: string, depth = 3): string[] {
  if (existsSync(join(dir, 'result.json'))) return [dir];
  if (depth === 0) return [];
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((path) => runFoldersUnder(path, depth - 1))
    .sort();
}
