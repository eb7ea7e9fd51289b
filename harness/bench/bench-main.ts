// `npm run bench [-- --quick] [--repeat N] [--profile [--profile-workload name]] [--only name,name]`: broker-ts
// against Kafka on the same machine in one run, and the harness's own speed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterObserver } from '../clients/observer.js';
import { errorMessage } from '../errors.js';
import { log } from '../log.js';
import { provisionKafka } from '../provision/kafka.js';
import { writeJsonAtomic } from '../report/result.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import { startCluster } from '../runtime/start-cluster.js';
import { supervisor } from '../runtime/supervisor.js';
import { measureChecker, type CheckerSpeed } from './checker-speed.js';
import { freeze, thaw } from './cluster-freeze.js';
import { CpuMeter } from './cpu-meter.js';
import { hotspots, type Hotspot } from './cpu-profile.js';
import { endToEndLatency } from './end-to-end-latency.js';
import { javaProducerPerformance } from './java-producer-performance.js';
import { kafkajsConsume } from './kafkajs-consume.js';
import { kafkajsProduce } from './kafkajs-produce.js';
import type { BenchTarget, Measurement, ProducerMetrics, Workload } from './measurement.js';
import { MemorySampler } from './memory-sampler.js';
import { benchMarkdown, type BenchReport, type WorkloadResult } from './bench-report.js';
import { round, summarize } from './stats.js';

const BROKERS: BrokerKind[] = ['kafka', 'broker-ts'];
// Each run's topic is deleted after it, with its files at once (Kafka waits a minute by default):
// on the development VM, writes into a page cache that has grown past a few GB cost the kernel 5-9x
// more (dd of 4 GB: 1.3 s, then 6.3 s and 11.4 s; 1.4 s again once the files are gone), so data
// left by earlier workloads would slow later ones by how much the bench had written before.
const CLUSTER_CONFIG = { 'min.insync.replicas': '2', 'default.replication.factor': '3', 'log.segment.delete.delay.ms': '0' };

const WORKLOADS: Workload[] = [
  kafkajsProduce('produce-100B-unbatched', { messageBytes: 100, batch: 1, concurrency: 32, partitions: 6 }),
  kafkajsProduce('produce-100B-batched', { messageBytes: 100, batch: 100, concurrency: 8, partitions: 6 }),
  kafkajsProduce('produce-1KiB-unbatched', { messageBytes: 1024, batch: 1, concurrency: 32, partitions: 6 }),
  kafkajsProduce('produce-1KiB-batched', { messageBytes: 1024, batch: 100, concurrency: 8, partitions: 6 }),
  kafkajsConsume('consume-1KiB', 200_000, 1024, 6),
  endToEndLatency('end-to-end-latency', 1000, 100),
  javaProducerPerformance('java-producer-100B', 100, 2_000_000),
  javaProducerPerformance('java-producer-1KiB', 1024, 1_000_000),
  // Latency at the same load on both, well below either's capacity. Sending as fast as it can,
  // the producer keeps its buffer full, and a record's latency is mostly its wait in that buffer.
  javaProducerPerformance('java-producer-100B-at-80k', 100, 1_500_000, 80_000),
  javaProducerPerformance('java-producer-1KiB-at-15k', 1024, 400_000, 15_000),
];
/** Unmeasured load on each cluster before the first workload: produce, replication, fetch paths. */
const WARM_UP = javaProducerPerformance('warm-up', 1024, 100_000);
/** Profiled by default: the workload where broker-ts is furthest behind Kafka, with a client that is not the limit. */
const DEFAULT_PROFILED = 'java-producer-1KiB';

async function startBenchCluster(broker: BrokerKind, logDir: string): Promise<Cluster> {
  return startCluster({ broker, nodes: 3, brokerConfig: CLUSTER_CONFIG, logDir: join(logDir, `${broker}-${Date.now()}`) });
}

/** Numbers each run's topic: a run must never read what an earlier repetition wrote. */
let topicsMade = 0;

/** `made` collects the topics the run creates, for deleting after it. */
function targetOf(cluster: Cluster, observer: ClusterObserver, made: string[] = []): BenchTarget {
  const pids = () =>
    cluster
      .nodeIds()
      .map((id) => cluster.node(id).pid)
      .filter((p): p is number => p !== undefined);
  return {
    broker: cluster.broker,
    // The harness listeners: clients reach the brokers without toxiproxy in the way; replication
    // still crosses the proxies, for both brokers alike.
    bootstrap: cluster.harnessServers(),
    topic: async (name, partitions) => {
      const topic = `${name}-${++topicsMade}`;
      made.push(topic);
      await observer.createTopic(topic, partitions, 3, {});
      return topic;
    },
    pids,
    meterCpu: () => new CpuMeter(pids()),
  };
}

/** Cluster start-up: from the first node process to Metadata through the proxies listing all nodes. */
async function measureStartup(broker: BrokerKind, times: number, logDir: string): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const c = await startBenchCluster(broker, logDir);
    ms.push(c.timings.startupMs);
    await c.close();
  }
  return ms;
}

async function profileBrokerTs(workload: Workload, logDir: string, quick: boolean): Promise<{ samples: number; hotspots: Hotspot[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-chaos-cpu-prof-'));
  // Read by the broker-ts launcher at spawn: each node writes a profile when it exits.
  const previous = process.env.KAFKA_CHAOS_BROKER_TS_NODE_ARGS;
  process.env.KAFKA_CHAOS_BROKER_TS_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
  let cluster: Cluster;
  try {
    cluster = await startBenchCluster('broker-ts', logDir);
  } finally {
    if (previous === undefined) delete process.env.KAFKA_CHAOS_BROKER_TS_NODE_ARGS;
    else process.env.KAFKA_CHAOS_BROKER_TS_NODE_ARGS = previous;
  }
  const observer = new ClusterObserver(cluster);
  try {
    await workload.run(targetOf(cluster, observer), quick);
  } finally {
    await observer.close();
    // A profile is written when the process exits on its own: stop every node gracefully.
    for (const id of cluster.nodeIds()) await cluster.stop(id);
    await cluster.close();
  }
  return { ...hotspots(dir), dir };
}

function medianProducerMetrics(runs: readonly Measurement[]): ProducerMetrics | null {
  const measured = runs.map((m) => m.producerMetrics).filter((m): m is ProducerMetrics => m !== undefined);
  if (measured.length === 0) return null;
  const med = (f: (m: ProducerMetrics) => number) => round(summarize(measured.map(f)).median, 1)!;
  return {
    recordQueueMsAvg: med((m) => m.recordQueueMsAvg),
    requestLatencyMsAvg: med((m) => m.requestLatencyMsAvg),
    requestLatencyMsMax: med((m) => m.requestLatencyMsMax),
  };
}

/** How this bench was started, as a reader would type it again. */
function benchCommand(args: readonly string[]): string {
  return args.length === 0 ? 'npm run bench' : `npm run bench -- ${args.join(' ')}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      repeat: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'profile-workload': { type: 'string', default: DEFAULT_PROFILED },
      only: { type: 'string' },
      out: { type: 'string', default: 'results/bench' },
    },
  });
  const quick = values.quick!;
  const repeat = Number(values.repeat ?? (quick ? 1 : 3));
  const only = values.only?.split(',');
  const unknown = only?.filter((name) => !WORKLOADS.some((w) => w.name === name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`--only: no workload ${unknown.map((n) => `"${n}"`).join(', ')} (workloads: ${WORKLOADS.map((w) => w.name).join(', ')})\n`);
    return 2;
  }
  const workloads = only ? WORKLOADS.filter((w) => only.includes(w.name)) : WORKLOADS;
  const profiled = WORKLOADS.find((w) => w.name === values['profile-workload']);
  if (profiled === undefined) {
    process.stderr.write(`--profile-workload: no workload "${values['profile-workload']}" (workloads: ${WORKLOADS.map((w) => w.name).join(', ')})\n`);
    return 2;
  }
  const out = resolve(values.out!);
  const logDir = join(out, 'logs');
  mkdirSync(logDir, { recursive: true });
  const kafkaVersion = (await provisionKafka()).version;

  log.info({ quick, repeat, workloads: workloads.map((w) => w.name) }, 'bench started');
  const startup: Record<BrokerKind, number[]> = {
    kafka: await measureStartup('kafka', quick ? 1 : 3, logDir),
    'broker-ts': await measureStartup('broker-ts', quick ? 3 : 5, logDir),
  };

  // Both clusters stay up and workloads alternate between them, so machine noise hits both alike.
  // The cluster not being measured is frozen: idle, Kafka's nodes would still take CPU from broker-ts's runs.
  const clusters = new Map<BrokerKind, { cluster: Cluster; observer: ClusterObserver }>();
  const runs = new Map<string, Record<BrokerKind, (Measurement | null)[]>>();
  const peakRss: Record<BrokerKind, number> = { kafka: 0, 'broker-ts': 0 };
  const workloadPeakRss = new Map<string, Record<BrokerKind, number>>();
  try {
    for (const broker of BROKERS) {
      for (const other of clusters.values()) await freeze(other.cluster);
      const cluster = await startBenchCluster(broker, logDir);
      const observer = new ClusterObserver(cluster);
      clusters.set(broker, { cluster, observer });
      // A JVM compiles its hot paths during the first seconds of load: measured cold, Kafka's
      // first workload would be measured against its interpreter.
      const warmUpTopics: string[] = [];
      await WARM_UP.run(targetOf(cluster, observer, warmUpTopics), false);
      await observer.deleteTopics(warmUpTopics);
    }
    for (const w of workloads) {
      const perBroker: Record<BrokerKind, (Measurement | null)[]> = { kafka: [], 'broker-ts': [] };
      runs.set(w.name, perBroker);
      const peaks: Record<BrokerKind, number> = { kafka: 0, 'broker-ts': 0 };
      workloadPeakRss.set(w.name, peaks);
      for (let rep = 0; rep < repeat; rep++) {
        const order = rep % 2 === 0 ? BROKERS : [...BROKERS].reverse();
        for (const broker of order) {
          const { cluster, observer } = clusters.get(broker)!;
          for (const [other, idle] of clusters) if (other !== broker) await freeze(idle.cluster);
          const made: string[] = [];
          const target = targetOf(cluster, observer, made);
          const sampler = new MemorySampler();
          sampler.start(target.pids);
          try {
            await thaw(cluster, observer);
            const m = await w.run(target, quick);
            perBroker[broker].push(m);
            log.info({ workload: w.name, broker, rep: rep + 1, msgsPerSec: Math.round(m.msgsPerSec), p99Ms: round(m.p99Ms) }, 'bench run');
          } catch (err) {
            perBroker[broker].push(null);
            log.error({ workload: w.name, broker, err: errorMessage(err) }, 'bench run failed');
          } finally {
            const peak = sampler.stop();
            peaks[broker] = Math.max(peaks[broker], peak);
            peakRss[broker] = Math.max(peakRss[broker], peak);
            await observer
              .deleteTopics(made)
              .catch((err: unknown) => log.warn({ workload: w.name, broker, err: errorMessage(err) }, "could not delete the run's topics"));
          }
        }
      }
    }
  } finally {
    for (const { cluster, observer } of clusters.values()) {
      await observer.close();
      await cluster.close();
    }
  }

  const checker: CheckerSpeed = measureChecker(quick ? 2_000_000 : 10_000_000);
  log.info(checker, 'checker speed');
  const profile = values.profile ? await profileBrokerTs(profiled, logDir, quick) : undefined;

  const results: WorkloadResult[] = workloads.map((w) => {
    const r = runs.get(w.name)!;
    const side = (ms: (Measurement | null)[], peakRssMiB: number) => {
      const ok = ms.filter((m): m is Measurement => m !== null);
      const s = (f: (m: Measurement) => number | null) => summarize(ok.map(f));
      return {
        msgsPerSec: round(s((m) => m.msgsPerSec).median, 0),
        mbPerSec: round(s((m) => m.mbPerSec).median, 2),
        p50Ms: round(s((m) => m.p50Ms).median, 2),
        p99Ms: round(s((m) => m.p99Ms).median, 2),
        p999Ms: round(s((m) => m.p999Ms).median, 2),
        brokerCpuMsPerMb: round(s((m) => m.brokerCpuMsPerMb).median, 0),
        producerMetrics: medianProducerMetrics(ok),
        spread: { msgsPerSec: [round(s((m) => m.msgsPerSec).min, 0), round(s((m) => m.msgsPerSec).max, 0)] as [number | null, number | null] },
        peakRssMiB,
        runs: ok.length,
        failedRuns: ms.length - ok.length,
      };
    };
    const peaks = workloadPeakRss.get(w.name)!;
    const kafka = side(r.kafka, peaks.kafka);
    const brokerTs = side(r['broker-ts'], peaks['broker-ts']);
    return {
      name: w.name,
      describe: w.describe,
      kafka,
      brokerTs,
      throughputRatio: kafka.msgsPerSec && brokerTs.msgsPerSec ? round(brokerTs.msgsPerSec / kafka.msgsPerSec, 2) : null,
      p99Ratio: kafka.p99Ms && brokerTs.p99Ms ? round(brokerTs.p99Ms / kafka.p99Ms, 2) : null,
      cpuRatio: kafka.brokerCpuMsPerMb && brokerTs.brokerCpuMsPerMb ? round(brokerTs.brokerCpuMsPerMb / kafka.brokerCpuMsPerMb, 2) : null,
    };
  });

  const report: BenchReport = {
    createdAt: new Date().toISOString(),
    command: benchCommand(process.argv.slice(2)),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      freeMemoryGiB: Math.round(freemem() / 2 ** 30),
      node: process.version,
      kafkaVersion,
    },
    quick,
    repeat,
    workloads: results,
    startup: {
      kafkaMs: round(summarize(startup.kafka).median, 0),
      brokerTsMs: round(summarize(startup['broker-ts']).median, 0),
      kafkaRunsMs: startup.kafka,
      brokerTsRunsMs: startup['broker-ts'],
    },
    memory: { kafkaPeakRssMiB: peakRss.kafka, brokerTsPeakRssMiB: peakRss['broker-ts'] },
    checker,
    ...(profile ? { profile: { workload: profiled.name, samples: profile.samples, hotspots: profile.hotspots } } : {}),
  };
  mkdirSync(out, { recursive: true });
  writeJsonAtomic(join(out, 'latest.json'), report);
  writeJsonAtomic(join(out, `bench-${report.createdAt.replace(/[:.]/g, '-')}.json`), report);
  const md = benchMarkdown(report);
  writeFileSync(join(out, 'latest.md'), md);
  process.stdout.write(`${md}\n${join(out, 'latest.json')}\n`);
  return results.some((r) => r.kafka.failedRuns > 0 || r.brokerTs.failedRuns > 0) ? 1 : 0;
}

let code = 2;
try {
  code = await main();
} catch (err) {
  log.error({ err: errorMessage(err) }, 'bench failed');
}
await supervisor().shutdown();
process.exit(code);
