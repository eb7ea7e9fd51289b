import type { CpuMeter } from './cpu-meter.js';

/** One run of one workload against one broker. */
export interface Measurement {
  msgsPerSec: number;
  mbPerSec: number;
  /** Per-request (produce) or end-to-end (produce to consume) latency; null where it means nothing. */
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  /** CPU time of all the broker processes while the workload's messages moved, per MB of them. */
  brokerCpuMsPerMb: number | null;
  /** Where a Java producer's latency went, from its own metrics; only the Java workloads have it. */
  producerMetrics?: ProducerMetrics;
}

/**
 * Averages the Java producer reports: a record's wait in its buffer before a request takes it,
 * and a Produce request's round trip to its acknowledgement. Saturating, a record's latency is
 * mostly the first; the second is what the brokers control.
 */
export interface ProducerMetrics {
  recordQueueMsAvg: number;
  requestLatencyMsAvg: number;
  requestLatencyMsMax: number;
}

/** What a workload needs to run against one cluster. */
export interface BenchTarget {
  broker: 'kafka' | 'broker-ts';
  /** Client bootstrap addresses. */
  bootstrap: string[];
  /** A fresh topic name for this run, created with `partitions` partitions, RF 3. */
  topic: (name: string, partitions: number) => Promise<string>;
  /** Pids of the broker processes, for memory sampling. */
  pids: () => number[];
  /** Starts counting the CPU time of the broker processes. */
  meterCpu: () => CpuMeter;
}

export interface Workload {
  name: string;
  describe: string;
  run(target: BenchTarget, quick: boolean): Promise<Measurement>;
}
