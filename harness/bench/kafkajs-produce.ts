import { CompressionTypes } from 'kafkajs';
import { kafkaClient } from '../clients/kafkajs.js';
import type { Measurement, Workload } from './measurement.js';
import { quantile } from './stats.js';

export interface ProduceShape {
  messageBytes: number;
  /** Messages per send() call: 1 is unbatched. */
  batch: number;
  /** Sends in flight at once. */
  concurrency: number;
  partitions: number;
}

/** kafkajs producers sending as fast as the cluster acknowledges with acks=all. */
export function kafkajsProduce(name: string, shape: ProduceShape): Workload {
  return {
    name,
    describe: `kafkajs producer, ${shape.messageBytes} B messages, ${shape.batch} per send, ${shape.concurrency} sends in flight, ${shape.partitions} partitions, acks=all`,
    async run(target, quick): Promise<Measurement> {
      const topic = await target.topic(name, shape.partitions);
      const kafka = kafkaClient(`bench-${name}`, target.bootstrap, { requestTimeout: 30_000 });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const value = Buffer.alloc(shape.messageBytes, 0x61);
      const messages = Array.from({ length: shape.batch }, () => ({ value }));
      // A short warm-up lets connections, metadata and the JIT settle before measuring.
      await producer.send({ topic, acks: -1, messages });
      const durationMs = quick ? 5_000 : 15_000;
      const latencies: number[] = [];
      let sent = 0;
      const cpu = target.meterCpu();
      const started = performance.now();
      const deadline = started + durationMs;
      await Promise.all(
        Array.from({ length: shape.concurrency }, async () => {
          while (performance.now() < deadline) {
            const t = performance.now();
            await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
            latencies.push(performance.now() - t);
            sent += shape.batch;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const brokerCpuMsPerMb = cpu.msPerMegabyte(sent * shape.messageBytes);
      await producer.disconnect();
      return {
        msgsPerSec: sent / seconds,
        mbPerSec: (sent * shape.messageBytes) / seconds / 1e6,
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        p999Ms: quantile(latencies, 0.999),
        brokerCpuMsPerMb,
      };
    },
  };
}
