import { check, checkEqual } from '../check.js';
import { kafkaDeleteRecords, kafkaToolColumns } from '../clients/kafka-tools.js';
import { readTopic } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'tool-kafka-delete-records',
  title:
    "Kafka's kafka-delete-records tool (DeleteRecords to each partition's leader): the log start moves to the offset given, or to the high watermark for -1; an offset past the end is refused with OFFSET_OUT_OF_RANGE; kafka-get-offsets and a consumer from the beginning then start at the new log start",
  needs: { tools: ['java'] },
  timeoutMs: 90_000,
  async run(ctx) {
    const topic = await ctx.createTopic('delete-records', { partitions: 2 });
    const producer = await ctx.producer();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `p0-${i}` })) });
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `p1-${i}` })) });

    const deleted = await kafkaDeleteRecords(ctx, 'delete', [
      { topic, partition: 0, offset: 4 },
      { topic, partition: 1, offset: -1 },
    ]);
    for (const [partition, lowWatermark] of [
      [0, 4],
      [1, 3],
    ]) {
      check(
        deleted.includes(`partition: ${topic}-${partition}\tlow_watermark: ${lowWatermark}`),
        `${topic}-${partition}: low_watermark ${lowWatermark} in ${JSON.stringify(deleted)}`,
      );
    }
    const beyond = await kafkaDeleteRecords(ctx, 'beyond-end', [{ topic, partition: 0, offset: 99 }]);
    check(
      beyond.some((line) => line.startsWith(`partition: ${topic}-0\terror:`) && line.includes('OffsetOutOfRangeException')),
      `deleting ${topic}-0 up to offset 99 of 10: expected OffsetOutOfRangeException, got ${JSON.stringify(beyond)}`,
    );

    const earliest = (await kafkaToolColumns(ctx, 'kafka-get-offsets', 'earliest', ['--topic', topic, '--time', '-2'])).map((c) => c.join(' ')).sort();
    checkEqual(earliest, [`${topic}:0:4`, `${topic}:1:3`], 'earliest offsets after the deletion');
    const read = await readTopic(ctx, topic);
    checkEqual(
      read.map((m) => `${m.partition}:${m.offset}`),
      [4, 5, 6, 7, 8, 9].map((o) => `0:${o}`),
      'what a consumer from the beginning reads',
    );
  },
});
