import { randomUUID } from 'node:crypto';
import { kafkaClient } from '../clients/kafkajs.js';
import type { Measurement, Workload } from './measurement.js';

/** A kafkajs consumer reading a pre-filled topic from the start as fast as it can. */
export function kafkajsConsume(name: string, messages: number, messageBytes: number, partitions: number): Workload {
  return {
    name,
    describe: `kafkajs consumer reading ${messages} pre-produced ${messageBytes} B messages from ${partitions} partitions`,
    async run(target, quick): Promise<Measurement> {
      const total = quick ? Math.floor(messages / 4) : messages;
      const topic = await target.topic(name, partitions);
      const kafka = kafkaClient(`bench-${name}`, target.bootstrap, { requestTimeout: 30_000 });
      const producer = kafka.producer();
      await producer.connect();
      const value = Buffer.alloc(messageBytes, 0x62);
      for (let i = 0; i < total; i += 1000) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(1000, total - i) }, () => ({ value })) });
      }
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let read = 0;
      let started = 0;
      const cpu = target.meterCpu();
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (started === 0) started = performance.now();
            read += batch.messages.length;
            if (read >= total) resolve();
          },
        });
      });
      await done;
      const seconds = (performance.now() - started) / 1000;
      const brokerCpuMsPerMb = cpu.msPerMegabyte(read * messageBytes);
      await consumer.disconnect();
      return { msgsPerSec: read / seconds, mbPerSec: (read * messageBytes) / seconds / 1e6, p50Ms: null, p99Ms: null, p999Ms: null, brokerCpuMsPerMb };
    },
  };
}
