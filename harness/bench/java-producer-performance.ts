import { spawn } from 'node:child_process';
import { HarnessError } from '../errors.js';
import { provisionKafka } from '../provision/kafka.js';
import type { Measurement, ProducerMetrics, Workload } from './measurement.js';

/** `--print-metrics` lines: `producer-metrics:request-latency-avg:{client-id=...} : 26.115`. */
const METRIC = /^producer-metrics:([\w-]+):\{[^}]*\}\s*:\s*(\S+)$/;
const SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/;

/**
 * Kafka's own load generator (org.apache.kafka.tools.ProducerPerformance, the Java client), so that
 * the client is not what limits the brokers. Without `recordsPerSec` it sends as fast as it can;
 * with it, at that fixed rate.
 */
export function javaProducerPerformance(name: string, recordBytes: number, records: number, recordsPerSec?: number): Workload {
  const rate = recordsPerSec === undefined ? 'as fast as it can' : `at ${recordsPerSec.toLocaleString('en-US')} records/s`;
  return {
    name,
    describe: `Kafka's ProducerPerformance (Java client), ${records} records of ${recordBytes} B ${rate}, acks=all, linger.ms=5, 6 partitions`,
    async run(target, quick): Promise<Measurement> {
      const topic = await target.topic(name, 6);
      const install = await provisionKafka();
      const count = quick ? Math.floor(records / 4) : records;
      const args = [
        '-Xms256m',
        '-Xmx512m',
        '-cp',
        `${install.libs}/*`,
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        topic,
        '--num-records',
        String(count),
        '--record-size',
        String(recordBytes),
        '--throughput',
        String(recordsPerSec ?? -1),
        '--print-metrics',
        '--producer-props',
        `bootstrap.servers=${target.bootstrap.join(',')}`,
        'acks=all',
        'linger.ms=5',
        'batch.size=65536',
      ];
      const cpu = target.meterCpu();
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new HarnessError(`ProducerPerformance exited ${code}:\n${out.slice(-2000)}`))));
      });
      const m = SUMMARY.exec(
        output
          .trim()
          .split('\n')
          .reverse()
          .find((l) => SUMMARY.test(l)) ?? '',
      );
      if (!m) throw new HarnessError(`ProducerPerformance printed no summary:\n${output.slice(-2000)}`);
      // Includes the client JVM's start-up, when the brokers idle: a few milliseconds of their CPU.
      const brokerCpuMsPerMb = cpu.msPerMegabyte(Number(m[1]) * recordBytes);
      return {
        msgsPerSec: Number(m[2]),
        mbPerSec: Number(m[3]),
        p50Ms: Number(m[6]),
        p99Ms: Number(m[8]),
        p999Ms: Number(m[9]),
        brokerCpuMsPerMb,
        producerMetrics: producerMetrics(output),
      };
    },
  };
}

export function producerMetrics(output: string): ProducerMetrics {
  const metrics = new Map<string, number>();
  for (const line of output.split('\n')) {
    const m = METRIC.exec(line.trim());
    if (m) metrics.set(m[1]!, Number(m[2]));
  }
  const metric = (name: string): number => {
    const value = metrics.get(name);
    if (value === undefined || !Number.isFinite(value)) throw new HarnessError(`ProducerPerformance printed no producer-metrics:${name}`);
    return value;
  };
  return {
    recordQueueMsAvg: metric('record-queue-time-avg'),
    requestLatencyMsAvg: metric('request-latency-avg'),
    requestLatencyMsMax: metric('request-latency-max'),
  };
}
