import { checkEqual } from '../check.js';
import { defineScenario } from '../scenario.js';

const PER_BATCH = 5;

export default defineScenario({
  name: 'list-offsets-by-timestamp',
  title: 'fetchTopicOffsetsByTimestamp (ListOffsets by time): the first offset at or after a time, the end for a time after every record',
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('by-time', { partitions: 2 });
    const producer = await ctx.producer();
    const now = Date.now();
    // Partition 0 gets three batches 10 s apart (offsets 0-4, 5-9, 10-14); partition 1 stays empty.
    const times = [now - 30_000, now - 20_000, now - 10_000];
    for (const [b, t] of times.entries()) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: PER_BATCH }, (_, i) => ({ partition: 0, value: `b${b}-${i}`, timestamp: String(t) })),
      });
    }
    const at = async (timestamp: number) =>
      (await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)).map((o) => [o.partition, Number(o.offset)]).sort((a, b) => a[0]! - b[0]!);
    const end = 3 * PER_BATCH;
    // kafkajs reports the high watermark where the broker answers -1 (no record that late).
    const cases: [string, number, number][] = [
      ['before every record', times[0]! - 60_000, 0],
      ['exactly the first batch', times[0]!, 0],
      ['between the first and second batch', times[0]! + 1, PER_BATCH],
      ['exactly the second batch', times[1]!, PER_BATCH],
      ['one ms before the third batch', times[2]! - 1, 2 * PER_BATCH],
      ['after every record', times[2]! + 1, end],
    ];
    for (const [what, timestamp, offset] of cases) {
      checkEqual(
        await at(timestamp),
        [
          [0, offset],
          [1, 0],
        ],
        `offsets at a time ${what} (${timestamp})`,
      );
    }
  },
});
