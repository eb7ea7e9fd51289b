import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { kafkaClient } from '../clients/kafkajs.js';
import type { Measurement, Workload } from './measurement.js';

const PASSES = 3;

/** One consumer group reads `total` messages from the start; timed from its first batch to its last. */
async function readAll(kafka: Kafka, topic: string, total: number): Promise<{ read: number; seconds: number }> {
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let read = 0;
    let started = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (started === 0) started = performance.now();
          read += batch.messages.length;
          if (read >= total) resolve();
        },
      });
    });
    return { read, seconds: (performance.now() - started) / 1000 };
  } finally {
    await consumer.disconnect();
  }
}

/** A kafkajs consumer reading a pre-filled topic from the start as fast as it can. */
export function kafkajsConsume(name: string, messages: number, messageBytes: number, partitions: number): Workload {
  return {
    name,
    describe: `kafkajs consumer reading ${messages} pre-produced ${messageBytes} B messages from ${partitions} partitions, ${PASSES} times over after one unmeasured pass (a new group each time)`,
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

      // One pass unmeasured first: the bench's very first pass, always Kafka's, was the slowest of
      // all six in full runs (258,000 and 292,000 msg/s against 295,000-377,000), V8 compiling
      // kafkajs's decoding in the harness while it was timed.
      await readAll(kafka, topic, total);
      // Each pass is a new group reading everything from the start: one pass lasts under a second,
      // too short to measure alone, and producing more would take minutes.
      const cpu = target.meterCpu();
      let read = 0;
      let seconds = 0;
      for (let pass = 0; pass < PASSES; pass++) {
        const timed = await readAll(kafka, topic, total);
        read += timed.read;
        seconds += timed.seconds;
      }
      const brokerCpuMsPerMb = cpu.msPerMegabyte(read * messageBytes);
      return { msgsPerSec: read / seconds, mbPerSec: (read * messageBytes) / seconds / 1e6, p50Ms: null, p99Ms: null, p999Ms: null, brokerCpuMsPerMb };
    },
  };
}
