import { checkEqual } from '../check.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-topic-offsets',
  title: 'fetchTopicOffsets: low and high watermarks of an empty topic and after writes',
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('offsets', { partitions: 3 });
    const watermarks = async () =>
      (await admin.fetchTopicOffsets(topic))
        .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high), offset: Number(o.offset) }))
        .sort((a, b) => a.partition - b.partition);

    checkEqual(
      await watermarks(),
      [0, 1, 2].map((partition) => ({ partition, low: 0, high: 0, offset: 0 })),
      'offsets of an empty topic',
    );

    const producer = await ctx.producer();
    const counts = [5, 3, 0];
    for (const [partition, n] of counts.entries()) {
      if (n === 0) continue;
      await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition, value: `m${i}` })) });
    }
    checkEqual(
      await watermarks(),
      counts.map((n, partition) => ({ partition, low: 0, high: n, offset: n })),
      'offsets after writing 5, 3 and 0 messages',
    );
  },
});
