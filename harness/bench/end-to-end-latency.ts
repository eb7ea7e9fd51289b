import { randomUUID } from 'node:crypto';
import { kafkaClient } from '../clients/kafkajs.js';
import type { Measurement, Workload } from './measurement.js';
import { quantile } from './stats.js';
import { pollUntil, sleep } from '../wait.js';

/**
 * Produce-to-consume latency at a fixed rate: each message carries the time it was sent; a
 * consumer in the same process (same clock) notes when it arrives.
 */
export function endToEndLatency(name: string, rate: number, messageBytes: number): Workload {
  return {
    name,
    describe: `end-to-end latency, kafkajs producer at ${rate} msg/s (acks=all) to a kafkajs consumer, ${messageBytes} B`,
    async run(target, quick): Promise<Measurement> {
      const topic = await target.topic(name, 3);
      const kafka = kafkaClient(`bench-${name}`, target.bootstrap, { requestTimeout: 30_000 });
      const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 500, minBytes: 1 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const latencies: number[] = [];
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const now = performance.timeOrigin + performance.now();
          for (const m of batch.messages) latencies.push(now - Number(m.value!.readDoubleBE(0)));
        },
      });
      // Wait until the consumer owns its partitions, or the first messages measure the rebalance.
      await sleep(3000);
      const producer = kafka.producer();
      await producer.connect();
      const durationMs = quick ? 5_000 : 15_000;
      const interval = 1000 / rate;
      const cpu = target.meterCpu();
      const started = performance.now();
      let sent = 0;
      const inFlight: Promise<unknown>[] = [];
      while (performance.now() - started < durationMs) {
        const value = Buffer.alloc(Math.max(8, messageBytes));
        value.writeDoubleBE(performance.timeOrigin + performance.now(), 0);
        inFlight.push(producer.send({ topic, acks: -1, messages: [{ value }] }));
        sent++;
        const next = started + sent * interval;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
      await Promise.all(inFlight);
      const seconds = (performance.now() - started) / 1000;
      const brokerCpuMsPerMb = cpu.msPerMegabyte(sent * messageBytes);
      await pollUntil(() => latencies.length >= sent, { timeoutMs: 10_000, intervalMs: 50 });
      await producer.disconnect();
      await consumer.disconnect();
      return {
        msgsPerSec: sent / seconds,
        mbPerSec: (sent * messageBytes) / seconds / 1e6,
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        p999Ms: quantile(latencies, 0.999),
        brokerCpuMsPerMb,
      };
    },
  };
}
