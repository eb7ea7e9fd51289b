import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { ClusterObserver } from '../clients/observer.js';
import { errorMessage } from '../errors.js';
import { HistoryRecorder } from '../history/recorder.js';
import { log } from '../log.js';
import { faultKind } from '../nemesis/registry.js';
import { FaultSchedule } from '../nemesis/schedule.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { unjudgedParts, type RunResult } from '../report/result.js';
import { writeRunReport } from '../report/write-reports.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { PLAINTEXT, type SecuritySettings } from '../security/cluster-security.js';
import { brokerVersionOf, startCluster, type RuntimeKind } from '../runtime/start-cluster.js';
import { drainTopic } from '../workload/drain.js';
import { LeaderWatch } from '../workload/leader-watch.js';
import { historyFile } from '../workload/producers.js';
import type { RunningWorkload, WorkloadHandles, WorkloadKind } from '../workload/workload.js';
import { workloadsOf } from '../workload/workload-kinds.js';
import { decideVerdict, judgeRun } from './analysis.js';
import type { ImageSource } from '../runtime/docker/images.js';
import type { Experiment } from './schema.js';
import { sleep } from '../wait.js';

export interface RunOptions {
  runId: string;
  /** results/<run-id>: this run's results go to <runDir>/<experiment>/<broker>/. */
  runDir: string;
  seed: number;
  kafkaVersion?: string;
  runtime?: RuntimeKind;
  /** With the docker runtime: official or locally built images (default: KAFKA_CHAOS_IMAGES, else official). */
  images?: ImageSource;
  /** TLS and SASL on every listener of both brokers (--security); plaintext when absent. */
  security?: SecuritySettings;
  /** Called with the cluster while it runs, so an interrupted run can close it. */
  onCluster?: (cluster: Cluster | undefined) => void;
}

const kafkajsVersion = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;
/** How long the drain may take to read a topic to its end. */
const DRAIN_TIMEOUT_MS = 120_000;

function baseResult(exp: Experiment, broker: BrokerKind, opts: RunOptions, dir: string): RunResult {
  return {
    ...unjudgedParts(),
    experiment: exp.name,
    description: exp.description,
    broker,
    brokerVersion: 'unknown',
    runtime: opts.runtime ?? 'process',
    runId: opts.runId,
    seed: opts.seed,
    startedAt: new Date().toISOString(),
    config: {
      nodes: exp.cluster.nodes,
      broker: exp.cluster.broker,
      topic: exp.topic,
      producers: exp.producers,
      workload: { durationMs: exp.workload.duration, settleMs: exp.workload.settle, recoveryMs: exp.workload.recovery },
      kafkajs: kafkajsVersion,
      security: securityLabel(opts.security ?? PLAINTEXT),
    },
    faults: [],
    workload: undefined,
    drain: undefined,
    recovered: false,
    expectation: exp.expect,
    files: { history: 'history.jsonl', logs: 'nodes/', histories: [], journals: [] },
    definition: exp,
  };
}

/** Whether a fault of the experiment cuts power: its nodes' data dirs then go on the unsynced filesystem. */
export function needsUnsyncedDisks(exp: Experiment): boolean {
  return exp.faults.some((step) => faultKind(step.fault)?.needs?.includes('unsynced-disks'));
}

/** "sasl_ssl (SCRAM-SHA-512)", "ssl", "plaintext". */
export function securityLabel(security: SecuritySettings): string {
  return security.mode.startsWith('sasl') ? `${security.mode} (${security.mechanism})` : security.mode;
}

/** Runs one phase unless an earlier one failed; an error is kept with the phase's name, never lost. */
async function phase(result: RunResult, name: string, work: () => Promise<void>): Promise<void> {
  if (result.errors.length > 0) return;
  const started = performance.now();
  try {
    await work();
  } catch (err) {
    result.errors.push(`${name}: ${errorMessage(err)}`);
  } finally {
    result.timings[`${name}Ms`] = Math.round(performance.now() - started);
  }
}

/**
 * One experiment on one broker, Jepsen style: start a cluster, produce while the nemesis runs the
 * fault schedule, heal, let the cluster recover, drain every partition, check the history.
 */
export async function runExperiment(exp: Experiment, broker: BrokerKind, opts: RunOptions): Promise<RunResult> {
  const dir = join(opts.runDir, exp.name, broker);
  const result = baseResult(exp, broker, opts, dir);
  const started = performance.now();

  const notApplicable = exp.notApplicable[broker];
  if (notApplicable) {
    result.verdict = 'not-applicable';
    result.reason = notApplicable;
    result.brokerVersion = await brokerVersionOf(broker, opts.kafkaVersion).catch(() => 'unknown');
    writeRunReport(dir, result);
    return result;
  }
  // A run directory is never written twice: a history appended to another one mixes their ids.
  if (existsSync(historyFile(dir))) {
    result.errors.push(`${dir} already holds a run: results are never appended to (give another --out, or remove it)`);
    Object.assign(result, decideVerdict(result));
    return result;
  }

  let cluster: Cluster | undefined;
  let observer: ClusterObserver | undefined;
  const workloads: { kind: WorkloadKind; running: RunningWorkload }[] = [];
  let watch: LeaderWatch | undefined;
  const recorder = new HistoryRecorder(historyFile(dir));
  try {
    await phase(result, 'cluster', async () => {
      cluster = await startCluster({
        broker,
        nodes: exp.cluster.nodes,
        brokerConfig: exp.cluster.broker,
        ...(opts.kafkaVersion !== undefined ? { kafkaVersion: opts.kafkaVersion } : {}),
        runtime: opts.runtime ?? 'process',
        ...(opts.images !== undefined ? { images: opts.images } : {}),
        logDir: join(dir, 'nodes'),
        ...(opts.security !== undefined ? { security: opts.security } : {}),
        ...(needsUnsyncedDisks(exp) ? { unsyncedDisks: true } : {}),
      });
      opts.onCluster?.(cluster);
      result.brokerVersion = cluster.brokerVersion;
      result.timings.clusterStartupMs = cluster.timings.startupMs;
    });

    await phase(result, 'topicSetup', async () => {
      observer = new ClusterObserver(cluster!);
      const topics = [exp.topic.name, ...workloadsOf(exp).flatMap((k) => k.topics?.(exp) ?? [])];
      for (const topic of topics) await observer.createTopic(topic, exp.topic.partitions, exp.topic.replicationFactor, exp.topic.config);
    });

    let schedule: FaultSchedule | undefined;
    await phase(result, 'workload', async () => {
      const setup = { experiment: exp, cluster: cluster!, observer: observer!, recorder, dir };
      watch = new LeaderWatch(cluster!, recorder, exp.topic.name);
      watch.start();
      const origin = performance.now();
      // In start order: what consumes the topic runs before anything produces to it.
      for (const kind of workloadsOf(exp)) {
        const running = kind.create(setup);
        workloads.push({ kind, running });
        await running.start();
      }
      const workloadStart = recorder.now();
      const handles = Object.fromEntries(workloads.map((w) => [w.kind.name, w.running.handle])) as Partial<WorkloadHandles>;
      schedule = new FaultSchedule(
        { cluster: cluster!, observer: observer!, recorder, random: new SeededRandom(opts.seed), topic: exp.topic.name, workloads: handles },
        exp.faults,
      );
      const stopFaults = new AbortController();
      const faultsDone = schedule.run(origin, stopFaults.signal);
      await sleep(exp.workload.duration);
      stopFaults.abort();
      await faultsDone;
      result.workload = { startMs: workloadStart, endMs: recorder.now() };
    });

    // Stop offering load, heal, then let in-flight sends finish against the healed cluster. Runs
    // even after an error, so that nothing stays broken.
    if (schedule) {
      const healStarted = performance.now();
      const settled = Promise.all(workloads.map((w) => w.running.quiesce?.(exp.workload.settle)));
      await schedule.healAll();
      await settled;
      result.faults = schedule.records;
      result.sendErrors = Object.assign({}, ...workloads.map((w) => w.running.sendErrors?.() ?? {}));
      result.timings.healMs = Math.round(performance.now() - healStarted);
    }

    await phase(result, 'recovery', async () => {
      result.recovered = await observer!.waitHealthy(exp.topic.name, exp.workload.recovery);
      watch?.stop();
    });

    await phase(result, 'drain', async () => {
      result.drain = await drainTopic(cluster!, observer!, recorder, exp.topic.name, DRAIN_TIMEOUT_MS);
    });

    for (const { kind, running } of workloads) {
      if (running.finish === undefined) continue;
      await phase(result, kind.name, () =>
        running.finish!({
          endOffsets: new Map(Object.entries(result.drain!.endOffsets).map(([p, o]) => [Number(p), o])),
          result,
          drain: (topic, options) => drainTopic(cluster!, observer!, recorder, topic, DRAIN_TIMEOUT_MS, options),
        }),
      );
    }
  } catch (err) {
    result.errors.push(`harness: ${errorMessage(err)}`);
  } finally {
    watch?.stop();
    for (const w of workloads) await w.running.stop();
    await observer?.close();
    await cluster?.close();
    opts.onCluster?.(undefined);
    await recorder.close();
  }
  if (result.errors.length > 0) log.error({ experiment: exp.name, broker, errors: result.errors }, 'experiment could not complete');

  const histories = [historyFile(dir), ...workloads.flatMap((w) => w.running.historyFiles())].filter((f) => existsSync(f));
  const journals = workloads.flatMap((w) => w.running.journalFiles());
  result.files = { ...result.files, histories: histories.map((f) => relative(dir, f)), journals: journals.map((f) => relative(dir, f)) };
  const checkStarted = performance.now();
  try {
    await judgeRun(exp, result, { histories, journals });
  } catch (err) {
    result.errors.push(`check: ${errorMessage(err)}`);
    Object.assign(result, decideVerdict(result));
  }
  result.timings.checkMs = Math.round(performance.now() - checkStarted);
  result.timings.totalMs = Math.round(performance.now() - started);
  writeRunReport(dir, result);
  return result;
}
