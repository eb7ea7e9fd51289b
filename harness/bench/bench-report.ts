import type { CheckerSpeed } from './checker-speed.js';
import type { Hotspot } from './cpu-profile.js';
import type { ProducerMetrics } from './measurement.js';

export interface Side {
  msgsPerSec: number | null;
  mbPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  /** CPU of the 3 broker processes per MB of messages (median). */
  brokerCpuMsPerMb: number | null;
  /** The Java producer's own averages (median over runs); null for the kafkajs workloads. */
  producerMetrics: ProducerMetrics | null;
  /** Highest resident memory of any one broker process during this workload's runs. */
  peakRssMiB: number;
  spread: { msgsPerSec: [number | null, number | null] };
  runs: number;
  failedRuns: number;
}

export interface WorkloadResult {
  name: string;
  describe: string;
  kafka: Side;
  brokerTs: Side;
  /** broker-ts / Kafka: above 1 means broker-ts is faster. */
  throughputRatio: number | null;
  /** broker-ts / Kafka: below 1 means broker-ts has the lower p99. */
  p99Ratio: number | null;
  /** broker-ts / Kafka CPU per MB: below 1 means broker-ts spends less CPU per message. */
  cpuRatio: number | null;
}

/** The contract of results/bench/latest.json. */
export interface BenchReport {
  createdAt: string;
  command: string;
  machine: Record<string, string | number>;
  quick: boolean;
  repeat: number;
  workloads: WorkloadResult[];
  startup: { kafkaMs: number | null; brokerTsMs: number | null; kafkaRunsMs: number[]; brokerTsRunsMs: number[] };
  memory: { kafkaPeakRssMiB: number; brokerTsPeakRssMiB: number };
  checker: CheckerSpeed;
  profile?: { workload: string; samples: number; hotspots: Hotspot[] };
}

const n = (x: number | null, unit = '') => (x === null ? '-' : `${x.toLocaleString('en-US')}${unit}`);

export function benchMarkdown(r: BenchReport): string {
  const lines = [
    `# Benchmark: broker-ts against Kafka ${r.machine.kafkaVersion}`,
    '',
    `${r.createdAt} · \`${r.command}\` · ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB · Node ${r.machine.node} · 3 nodes each, RF 3, min.insync.replicas 2, acks=all · median of ${r.repeat} run(s)`,
    '',
    '| workload | Kafka msg/s | broker-ts msg/s | throughput ratio | Kafka p99 ms | broker-ts p99 ms | p99 ratio | Kafka CPU ms/MB | broker-ts CPU ms/MB | CPU ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.workloads.map(
      (w) =>
        `| ${w.name} | ${n(w.kafka.msgsPerSec)} | ${n(w.brokerTs.msgsPerSec)} | ${n(w.throughputRatio)} | ${n(w.kafka.p99Ms)} | ${n(w.brokerTs.p99Ms)} | ${n(w.p99Ratio)} | ${n(w.kafka.brokerCpuMsPerMb)} | ${n(w.brokerTs.brokerCpuMsPerMb)} | ${n(w.cpuRatio)} |`,
    ),
    '',
    'CPU ms/MB: CPU time of the three broker processes together per MB of messages the workload moved.',
    '',
    ...producerMetricsTable(r.workloads),
    '| workload | Kafka peak RSS MiB | broker-ts peak RSS MiB |',
    '|---|---:|---:|',
    ...r.workloads.map((w) => `| ${w.name} | ${n(w.kafka.peakRssMiB)} | ${n(w.brokerTs.peakRssMiB)} |`),
    '',
    `Cluster start (3 nodes, ready through the proxies): Kafka ${n(r.startup.kafkaMs, ' ms')}, broker-ts ${n(r.startup.brokerTsMs, ' ms')}.`,
    `Peak resident memory of one broker process under load: Kafka ${r.memory.kafkaPeakRssMiB} MiB, broker-ts ${r.memory.brokerTsPeakRssMiB} MiB.`,
    `Checker: ${n(r.checker.opsPerSec)} history operations/s over ${n(r.checker.operations)} operations (${n(r.checker.bytesPerMessage)} bytes of heap per message).`,
  ];
  if (r.profile) {
    lines.push(
      '',
      `## Where broker-ts spends its time (${r.profile.workload}, ${n(r.profile.samples)} samples, self time)`,
      '',
      '| % | function | location |',
      '|---:|---|---|',
    );
    for (const h of r.profile.hotspots) lines.push(`| ${h.selfPercent} | ${h.function} | ${h.location} |`);
  }
  lines.push('', ...r.workloads.map((w) => `- **${w.name}**: ${w.describe}.`));
  return `${lines.join('\n')}\n`;
}

/**
 * The Java producer's split of its latency: without it, a saturating run's p99 reads as the
 * brokers' when it is mostly the records' wait in the producer's 32 MB buffer.
 */
function producerMetricsTable(workloads: readonly WorkloadResult[]): string[] {
  const rows = workloads.filter((w) => w.kafka.producerMetrics || w.brokerTs.producerMetrics);
  if (rows.length === 0) return [];
  const cell = (m: ProducerMetrics | null, f: (m: ProducerMetrics) => number) => (m ? n(Math.round(f(m))) : '-');
  return [
    "The Java producer's own metrics (averages; median of the runs): a record's wait in the producer's buffer before a Produce request takes it, and a Produce request's round trip to its acknowledgement, which is the brokers' part.",
    '',
    '| workload | Kafka buffer wait ms | broker-ts buffer wait ms | Kafka request ms avg / max | broker-ts request ms avg / max |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((w) => {
      const k = w.kafka.producerMetrics;
      const b = w.brokerTs.producerMetrics;
      return `| ${w.name} | ${cell(k, (m) => m.recordQueueMsAvg)} | ${cell(b, (m) => m.recordQueueMsAvg)} | ${cell(k, (m) => m.requestLatencyMsAvg)} / ${cell(k, (m) => m.requestLatencyMsMax)} | ${cell(b, (m) => m.requestLatencyMsAvg)} / ${cell(b, (m) => m.requestLatencyMsMax)} |`;
    }),
    '',
  ];
}
