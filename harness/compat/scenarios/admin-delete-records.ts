import { checkEqual } from '../check.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-delete-records',
  title: 'deleteTopicRecords moves the low watermark; a consumer from the beginning starts there',
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('delete-records', { partitions: 2 });
    const producer = await ctx.producer();
    for (const partition of [0, 1]) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `p${partition}-${i}` })) });
    }

    // kafkajs's deleteTopicRecords reads partitions from the admin's metadata cache without
    // loading it ("Topic metadata not loaded"); fetching the topic's metadata first loads it.
    await admin.fetchTopicMetadata({ topics: [topic] });
    // Partition 0 up to offset 6; partition 1 entirely (-1 means the high watermark).
    await admin.deleteTopicRecords({
      topic,
      partitions: [
        { partition: 0, offset: '6' },
        { partition: 1, offset: '-1' },
      ],
    });
    const watermarks = (await admin.fetchTopicOffsets(topic))
      .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition);
    checkEqual(
      watermarks,
      [
        { partition: 0, low: '6', high: '10' },
        { partition: 1, low: '10', high: '10' },
      ],
      'watermarks after deleteTopicRecords',
    );

    const records = await readTopic(ctx, topic);
    checkEqual(
      records.map((r) => [r.partition, r.offset, text(r.value)]),
      [6, 7, 8, 9].map((o) => [0, o, `p0-${o}`]),
      'records a consumer reads from the beginning after the deletion',
    );
  },
});
