// A soak: the random nemesis (the `mix` fault kind) against acks=all and min.insync.replicas=2 for
// as long as asked, in cycles. Each cycle produces while the nemesis runs, then pauses it, heals,
// waits for a full ISR, drains what was written since the last check and runs the checker over
// it, so a loss is caught within minutes of happening rather than at the end of an hour. The
// resident memory of every node is sampled throughout and must stay flat.
import { join } from 'node:path';
import { CompressionTypes } from 'kafkajs';
import { QueueChecker, type Counts, type LostMessage } from '../checker/queue-checker.js';
import { ClusterObserver } from '../clients/observer.js';
import { kafkaClient } from '../clients/kafkajs.js';
import { errorMessage } from '../errors.js';
import { readHistory } from '../history/reader.js';
import { HistoryRecorder, epochNow } from '../history/recorder.js';
import { log } from '../log.js';
import { mix, type MixKind } from '../nemesis/mix.js';
import { FaultSchedule, type FaultRecord } from '../nemesis/schedule.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { startCluster, type RuntimeKind } from '../runtime/start-cluster.js';
import type { SecuritySettings } from '../security/cluster-security.js';
import { drainTopic } from '../workload/drain.js';
import type { DrainResult } from '../workload/drain-extent.js';
import { LeaderWatch } from '../workload/leader-watch.js';
import { ProducerWorkload } from '../workload/producer.js';
import { producerIdentity } from '../workload/producer-identity.js';
import { judgeMemory, MemoryMonitor, type MemoryJudgement, type MemoryLimits, type MemorySample } from './memory-monitor.js';
import { sleep } from '../wait.js';

export interface SoakOptions {
  broker: BrokerKind;
  nodes: number;
  durationMs: number;
  /** Nemesis time per cycle; the last cycle is shorter if the duration ends first. */
  cycleMs: number;
  seed: number;
  dir: string;
  rate: number;
  kafkaVersion?: string;
  runtime?: RuntimeKind;
  security?: SecuritySettings;
  memory: MemoryLimits;
  /** The kinds of fault the nemesis picks from (without kill, every node lives the whole soak and its memory can be judged). */
  faults: MixKind[];
  /** Called after every cycle with the results so far (the soak writes its reports there). */
  onCycle?: (result: SoakResult) => void;
  onCluster?: (cluster: Cluster | undefined) => void;
}

export interface CycleResult {
  cycle: number;
  /** Milliseconds since the soak's cluster was ready. */
  startMs: number;
  endMs: number;
  faults: FaultRecord[];
  counts: Counts;
  /** Up to 100 lost messages. */
  lost: LostMessage[];
  drain: DrainResult | undefined;
  recovered: boolean;
  verdict: 'pass' | 'fail' | 'error';
  reason: string;
}

export interface SoakResult {
  broker: BrokerKind;
  brokerVersion: string;
  nodes: number;
  seed: number;
  config: {
    durationMs: number;
    cycleMs: number;
    rate: number;
    faults: MixKind[];
    topic: { partitions: number; replicationFactor: number };
    broker: Record<string, string>;
    security: string;
  };
  cycles: CycleResult[];
  totals: Counts;
  memory: MemoryJudgement & { samples: MemorySample[]; limits: MemoryLimits };
  verdict: 'pass' | 'fail' | 'error';
  reason: string;
  timings: Record<string, number>;
}

const TOPIC = 'soak';
const SETTLE_MS = 20_000;
const RECOVERY_MS = 120_000;

const EMPTY_COUNTS: Counts = { attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0, lost: 0, recovered: 0, duplicated: 0, unexpected: 0 };

/** The broker settings of a soak: acks=all is only as safe as these make it. */
export function soakBrokerConfig(nodes: number): Record<string, string> {
  return {
    'min.insync.replicas': String(Math.min(2, nodes)),
    'replica.lag.time.max.ms': '10000',
    'unclean.leader.election.enable': 'false',
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const replicationFactor = Math.min(3, options.nodes);
  const brokerConfig = soakBrokerConfig(options.nodes);
  const result: SoakResult = {
    broker: options.broker,
    brokerVersion: 'unknown',
    nodes: options.nodes,
    seed: options.seed,
    config: {
      durationMs: options.durationMs,
      cycleMs: options.cycleMs,
      rate: options.rate,
      faults: options.faults,
      topic: { partitions: 3, replicationFactor },
      broker: brokerConfig,
      security: options.security?.mode ?? 'plaintext',
    },
    cycles: [],
    totals: { ...EMPTY_COUNTS },
    memory: { trends: [], flat: undefined, reason: 'not sampled', samples: [], limits: options.memory },
    verdict: 'error',
    reason: '',
    timings: {},
  };
  let cluster: Cluster | undefined;
  let observer: ClusterObserver | undefined;
  let monitor: MemoryMonitor | undefined;
  let harnessError: string | undefined;
  try {
    const started = performance.now();
    cluster = await startCluster({
      broker: options.broker,
      nodes: options.nodes,
      brokerConfig,
      runtime: options.runtime ?? 'process',
      logDir: join(options.dir, 'nodes'),
      ...(options.kafkaVersion !== undefined ? { kafkaVersion: options.kafkaVersion } : {}),
      ...(options.security !== undefined ? { security: options.security } : {}),
    });
    options.onCluster?.(cluster);
    result.brokerVersion = cluster.brokerVersion;
    result.timings.clusterStartupMs = cluster.timings.startupMs;
    observer = new ClusterObserver(cluster);
    await observer.createTopic(TOPIC, 3, replicationFactor, {});
    const origin = performance.now();
    const epochMs = epochNow();
    monitor = new MemoryMonitor(cluster, origin);
    monitor.start();
    let drained = new Map<number, number>();
    for (let cycle = 1; performance.now() - origin < options.durationMs; cycle++) {
      const nemesisMs = Math.min(options.cycleMs, options.durationMs - (performance.now() - origin));
      const outcome = await runCycle(cluster, observer, options, cycle, nemesisMs, drained, origin, epochMs);
      result.cycles.push(outcome.result);
      if (outcome.result.drain?.complete) drained = new Map(Object.entries(outcome.result.drain.endOffsets).map(([p, o]) => [Number(p), o]));
      for (const key of Object.keys(result.totals) as (keyof Counts)[]) result.totals[key] += outcome.result.counts[key];
      result.memory = { ...judgeMemory(monitor.samples, options.memory), samples: [...monitor.samples], limits: options.memory };
      log.info(
        { cycle, verdict: outcome.result.verdict, counts: outcome.result.counts, reason: outcome.result.reason, memory: result.memory.reason },
        'soak cycle checked',
      );
      options.onCycle?.(decide(result));
      if (outcome.result.verdict === 'error') break;
    }
    result.timings.totalMs = Math.round(performance.now() - started);
  } catch (err) {
    harnessError = errorMessage(err);
    log.error({ err: harnessError }, 'the soak could not go on');
  } finally {
    monitor?.stop();
    if (monitor !== undefined) result.memory = { ...judgeMemory(monitor.samples, options.memory), samples: [...monitor.samples], limits: options.memory };
    await observer?.close();
    await cluster?.close();
    options.onCluster?.(undefined);
  }
  if (harnessError === undefined) return decide(result);
  result.verdict = 'error';
  result.reason = harnessError;
  return result;
}

/** The soak's verdict from its cycles and memory. */
function decide(result: SoakResult): SoakResult {
  const broken = result.cycles.find((c) => c.verdict === 'error');
  const failed = result.cycles.filter((c) => c.verdict === 'fail');
  if (broken !== undefined) {
    result.verdict = 'error';
    result.reason = `cycle ${broken.cycle}: ${broken.reason}`;
  } else if (failed.length > 0) {
    result.verdict = 'fail';
    result.reason = failed.map((c) => `cycle ${c.cycle}: ${c.reason}`).join('; ');
  } else if (result.memory.flat === false) {
    result.verdict = 'fail';
    result.reason = `memory kept growing: ${result.memory.reason}`;
  } else {
    result.verdict = 'pass';
    result.reason = `${result.cycles.length} cycles, nothing acknowledged lost (${result.totals.acknowledged} acknowledged); memory: ${result.memory.reason}`;
  }
  return result;
}

async function runCycle(
  cluster: Cluster,
  observer: ClusterObserver,
  options: SoakOptions,
  cycle: number,
  nemesisMs: number,
  drainedUpTo: ReadonlyMap<number, number>,
  origin: number,
  epochMs: number,
): Promise<{ result: CycleResult }> {
  const dir = join(options.dir, `cycle-${cycle}`);
  const recorder = new HistoryRecorder(join(dir, 'history.jsonl'), epochMs);
  const result: CycleResult = {
    cycle,
    startMs: Math.round(performance.now() - origin),
    endMs: 0,
    faults: [],
    counts: { ...EMPTY_COUNTS },
    lost: [],
    drain: undefined,
    recovered: false,
    verdict: 'error',
    reason: '',
  };
  const producer = new ProducerWorkload(
    'producer',
    kafkaClient('kafka-chaos-soak', cluster.bootstrapServers(), { requestTimeout: 15_000, retry: { retries: 5 } }, cluster.clientSecurity),
    recorder,
    {
      topic: TOPIC,
      partitions: 3,
      acks: -1,
      idempotent: false,
      rate: options.rate,
      concurrency: 8,
      messageBytes: 100,
      retries: 5,
      ackTimeoutMs: 10_000,
      compression: CompressionTypes.None,
    },
    // Each cycle is one incarnation of the soak's one producer: ids and processes never repeat.
    producerIdentity(0, cycle),
  );
  const watch = new LeaderWatch(cluster, recorder, TOPIC);
  const nemesis = new FaultSchedule({ cluster, observer, recorder, random: new SeededRandom(options.seed + cycle), topic: TOPIC, workloads: {} }, [
    {
      at: 0,
      fault: 'mix',
      target: 'all',
      partition: 0,
      params: mix.params.parse({ faults: options.faults, targets: ['leader', 'follower', 'controller', 'random'], every: '20s', faultFor: '8s' }),
    },
  ]);
  try {
    watch.start();
    await producer.start();
    const stop = new AbortController();
    const faults = nemesis.run(performance.now(), stop.signal);
    await sleep(nemesisMs);
    stop.abort();
    await faults;
    // Pause the nemesis, heal, and let what is in flight finish against the healed cluster.
    const settled = producer.stop(SETTLE_MS);
    await nemesis.healAll();
    await settled;
    result.faults = nemesis.records;
    result.recovered = await observer.waitHealthy(TOPIC, RECOVERY_MS);
    watch.stop();
    result.drain = await drainTopic(cluster, observer, recorder, TOPIC, 120_000, { from: drainedUpTo });
  } catch (err) {
    result.reason = errorMessage(err);
    return { result };
  } finally {
    watch.stop();
    await producer.stop(0).catch(() => {});
    await recorder.close();
    result.endMs = Math.round(performance.now() - origin);
  }
  const checker = new QueueChecker({ maxListed: 100 });
  for await (const op of readHistory(recorder.file)) checker.add(op);
  const check = checker.result();
  result.counts = check.counts;
  result.lost = check.lost;
  if (!result.drain.complete) {
    result.verdict = 'fail';
    result.reason = `the drain could not read every partition to its end (${JSON.stringify(result.drain.readUpTo)} of ${JSON.stringify(result.drain.endOffsets)})`;
  } else if (check.counts.lost > 0 || check.counts.unexpected > 0) {
    result.verdict = 'fail';
    result.reason = `${check.counts.lost} acknowledged messages lost, ${check.counts.unexpected} read that this cycle never sent`;
  } else {
    result.verdict = 'pass';
    result.reason = `${check.counts.acknowledged} acknowledged, all read back`;
  }
  return { result };
}
