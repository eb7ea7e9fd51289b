import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ProcessingChecker } from '../checker/processing-checker.js';
import { QueueChecker } from '../checker/queue-checker.js';
import { TransactionChecker } from '../checker/transaction-checker.js';
import { ClusterObserver } from '../clients/observer.js';
import { errorMessage } from '../errors.js';
import { readHistory } from '../history/reader.js';
import { HistoryRecorder } from '../history/recorder.js';
import { log } from '../log.js';
import { FaultSchedule } from '../nemesis/schedule.js';
import { SeededRandom } from '../../broker-ts/testing/seeded-random.js';
import { explainLosses } from '../report/explain.js';
import type { RunResult } from '../report/result.js';
import { TimelineBuilder } from '../report/timeline.js';
import { writeRunReport } from '../report/write-reports.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { PLAINTEXT, type SecuritySettings } from '../security/cluster-security.js';
import { brokerVersionOf, startCluster, type RuntimeKind } from '../runtime/start-cluster.js';
import { ConsumerGroupWorkload, readJournal } from '../workload/consumer-group.js';
import { drainTopic, type DrainResult } from '../workload/drain.js';
import { LeaderWatch } from '../workload/leader-watch.js';
import { PipelineWorkload } from '../workload/pipeline.js';
import { Producers, historyFile } from '../workload/producers.js';
import { evaluate } from './expectation.js';
import type { Experiment } from './schema.js';

export interface RunOptions {
  runId: string;
  /** results/<run-id>: this run's results go to <runDir>/<experiment>/<broker>/. */
  runDir: string;
  seed: number;
  kafkaVersion?: string;
  runtime?: RuntimeKind;
  /** TLS and SASL on every listener of both brokers (--security); plaintext when absent. */
  security?: SecuritySettings;
  /** Called with the cluster while it runs, so an interrupted run can close it. */
  onCluster?: (cluster: Cluster | undefined) => void;
}

const kafkajsVersion = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function baseResult(exp: Experiment, broker: BrokerKind, opts: RunOptions, dir: string): RunResult {
  return {
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
    counts: { attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, lost: 0, recovered: 0, duplicated: 0, unexpected: 0 },
    byClient: {},
    anomalies: { inconsistentOffsets: [], lostWrites: 0, reordered: [], failedButRead: [], offsetMismatches: [], unexpectedValues: [] },
    lost: [],
    partitions: [],
    timeline: undefined,
    workload: undefined,
    processing: undefined,
    transactions: undefined,
    sendErrors: {},
    drain: undefined,
    recovered: false,
    expectation: exp.expect,
    expectationResults: [],
    verdict: 'error',
    reason: '',
    timings: {},
    files: { history: 'history.jsonl', logs: 'nodes/' },
  };
}

/** "sasl_ssl (SCRAM-SHA-512)", "ssl", "plaintext". */
export function securityLabel(security: SecuritySettings): string {
  return security.mode.startsWith('sasl') ? `${security.mode} (${security.mechanism})` : security.mode;
}

/**
 * One experiment on one broker, Jepsen style: start a cluster, produce while the nemesis runs the
 * fault schedule, heal, let the cluster recover, drain every partition, check the history.
 */
export async function runExperiment(exp: Experiment, broker: BrokerKind, opts: RunOptions): Promise<RunResult> {
  const dir = join(opts.runDir, exp.name, broker);
  const result = baseResult(exp, broker, opts, dir);
  const started = performance.now();
  const mark = (name: string, since: number) => (result.timings[name] = Math.round(performance.now() - since));

  const notApplicable = exp.notApplicable[broker];
  if (notApplicable) {
    result.verdict = 'not-applicable';
    result.reason = notApplicable;
    result.brokerVersion = await brokerVersionOf(broker, opts.kafkaVersion).catch(() => 'unknown');
    writeRunReport(dir, result);
    return result;
  }

  let cluster: Cluster | undefined;
  let observer: ClusterObserver | undefined;
  let producers: Producers | undefined;
  let consumers: ConsumerGroupWorkload | undefined;
  let committed = new Map<number, number>();
  let pipeline: PipelineWorkload | undefined;
  let pipelineCommitted = new Map<number, number>();
  let watch: LeaderWatch | undefined;
  const recorder = new HistoryRecorder(historyFile(dir));
  try {
    cluster = await startCluster({
      broker,
      nodes: exp.cluster.nodes,
      brokerConfig: exp.cluster.broker,
      ...(opts.kafkaVersion !== undefined ? { kafkaVersion: opts.kafkaVersion } : {}),
      runtime: opts.runtime ?? 'process',
      logDir: join(dir, 'nodes'),
      ...(opts.security !== undefined ? { security: opts.security } : {}),
    });
    opts.onCluster?.(cluster);
    result.brokerVersion = cluster.brokerVersion;
    result.timings.clusterStartupMs = cluster.timings.startupMs;

    let phase = performance.now();
    observer = new ClusterObserver(cluster);
    await observer.createTopic(exp.topic.name, exp.topic.partitions, exp.topic.replicationFactor, exp.topic.config);
    if (exp.pipeline) await observer.createTopic(outputTopicOf(exp), exp.topic.partitions, exp.topic.replicationFactor, exp.topic.config);
    mark('topicSetupMs', phase);

    producers = new Producers(exp.producers, cluster, recorder, exp.topic.name, exp.topic.partitions, dir, exp.workload.settle);
    watch = new LeaderWatch(cluster, recorder, exp.topic.name);
    watch.start();

    phase = performance.now();
    if (exp.consumers) {
      consumers = new ConsumerGroupWorkload(
        { groupId: `kafka-chaos-${exp.name}`, ...exp.consumers },
        cluster.bootstrapServers(),
        exp.topic.name,
        dir,
        cluster.clientSecurity,
      );
      await consumers.start();
    }
    if (exp.pipeline) {
      pipeline = new PipelineWorkload(exp.pipeline, cluster.bootstrapServers(), `kafka-chaos-${exp.name}-pipeline`, exp.topic.name, outputTopicOf(exp), dir, recorder.epochMs, cluster.clientSecurity);
      await pipeline.start();
    }
    await producers.start();
    const workloadStart = recorder.now();
    const schedule = new FaultSchedule(
      {
        cluster, observer, recorder, random: new SeededRandom(opts.seed), topic: exp.topic.name, producers: producers.byName,
        ...(consumers ? { consumers } : {}),
        ...(pipeline ? { pipeline } : {}),
      },
      exp.faults,
    );
    const stopFaults = new AbortController();
    const faultsDone = schedule.run(phase, stopFaults.signal);
    await sleep(exp.workload.duration);
    stopFaults.abort();
    await faultsDone;
    mark('workloadMs', phase);
    result.workload = { startMs: workloadStart, endMs: recorder.now() };

    // Stop offering load, heal, then let in-flight sends finish against the healed cluster.
    phase = performance.now();
    const settled = producers.stop(exp.workload.settle);
    await schedule.healAll();
    await settled;
    result.faults = schedule.records;
    result.sendErrors = producers.errors;
    mark('healMs', phase);

    phase = performance.now();
    result.recovered = await observer.waitHealthy(exp.topic.name, exp.workload.recovery);
    watch.stop();
    mark('recoveryMs', phase);

    phase = performance.now();
    const drain: DrainResult = await drainTopic(cluster, observer, recorder, exp.topic.name, 120_000);
    result.drain = drain;
    mark('drainMs', phase);

    if (consumers) {
      phase = performance.now();
      const caughtUp = await consumers.finish(new Map(Object.entries(drain.endOffsets).map(([p, o]) => [Number(p), o])), 120_000);
      committed = await consumers.committedOffsets();
      if (!caughtUp) log.warn({ committed: Object.fromEntries(committed) }, 'the consumer group did not commit up to the end of the log in time');
      mark('consumersMs', phase);
    }

    if (pipeline) {
      phase = performance.now();
      const caughtUp = await pipeline.finish(new Map(Object.entries(drain.endOffsets).map(([p, o]) => [Number(p), o])), 120_000);
      if (!caughtUp) log.warn('the pipeline did not commit up to the end of its input in time');
      pipelineCommitted = await pipeline.committedOffsets();
      for (const isolation of ['committed', 'uncommitted'] as const) {
        await drainTopic(cluster, observer, recorder, pipeline.outputTopic, 120_000, { isolation, output: true });
      }
      mark('pipelineMs', phase);
    }
  } catch (err) {
    result.verdict = 'error';
    result.reason = errorMessage(err);
    log.error({ experiment: exp.name, broker, err: result.reason }, 'experiment could not complete');
  } finally {
    watch?.stop();
    await producers?.kill();
    await consumers?.stop();
    await pipeline?.stop();
    await observer?.close();
    await cluster?.close();
    opts.onCluster?.(undefined);
    await recorder.close();
  }

  if (result.drain) {
    const phase = performance.now();
    await analyse(exp, result, [historyFile(dir), ...(producers?.historyFiles ?? []), ...(pipeline?.historyFiles ?? [])], consumers?.journalFiles(), committed, pipelineCommitted);
    mark('checkMs', phase);
  }
  result.timings.totalMs = Math.round(performance.now() - started);
  writeRunReport(dir, result);
  return result;
}

/** Checks the recorded history (and the consumer journals) and decides the verdict. */
async function analyse(
  exp: Experiment,
  result: RunResult,
  histories: string[],
  journals: string[] | undefined,
  committed: Map<number, number>,
  pipelineCommitted: Map<number, number>,
): Promise<void> {
  const checker = new QueueChecker({ maxListed: 1000 });
  const timeline = new TimelineBuilder();
  const processing = journals ? new ProcessingChecker() : undefined;
  const transactions = exp.pipeline ? new TransactionChecker(outputTopicOf(exp)) : undefined;
  for await (const op of readHistory(...histories)) {
    checker.add(op);
    timeline.add(op);
    processing?.add(op);
    transactions?.add(op);
  }
  result.transactions = transactions?.result(pipelineCommitted);
  for (const file of journals ?? []) processing!.addJournal(readJournal(file));
  const check = checker.result();
  result.processing = processing?.result(committed);
  result.timeline = timeline.result();
  result.counts = check.counts;
  result.byClient = check.byClient;
  result.anomalies = check.anomalies;
  result.lost = explainLosses(check.lost, result.timeline.leaders, result.faults);
  result.partitions = check.partitions;
  result.expectationResults = evaluate(exp.expect, {
    check,
    timeline: result.timeline,
    ...(result.processing ? { processing: result.processing } : {}),
    ...(result.transactions ? { transactions: result.transactions } : {}),
  });
  const failed = result.expectationResults.filter((e) => !e.held);
  const drain = result.drain!;
  if (!drain.complete) {
    result.verdict = 'fail';
    result.reason = `the drain could not read every partition to its end (${JSON.stringify(drain.readUpTo)} of ${JSON.stringify(drain.endOffsets)})`;
  } else if (failed.length > 0) {
    result.verdict = 'fail';
    result.reason = `expected ${failed.map((e) => `${e.measure} ${e.condition.trim()}, got ${e.actual}`).join('; ')}`;
  } else {
    result.verdict = 'pass';
    result.reason = 'every expectation held';
  }
}

/** The topic a pipeline writes to. */
function outputTopicOf(exp: Experiment): string {
  return `${exp.topic.name}-out`;
}
