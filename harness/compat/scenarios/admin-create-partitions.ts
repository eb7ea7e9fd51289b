import { partitionsOnEveryNode } from '../../clients/partition-metadata.js';
import { check, checkEqual, expectRejection, waitUntil } from '../check.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-create-partitions',
  title: 'createPartitions 2 -> 5; the new partitions get leaders, take writes and are read; shrinking is refused',
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('grow', { partitions: 2 });

    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
    // Every node, not just the one an admin call happens to ask: a producer that learns the
    // partition count from a node still at 2 drops the records for partitions 2-4 unsent.
    await waitUntil(
      async () => {
        const answers = await partitionsOnEveryNode(ctx.cluster, topic);
        return [...answers.values()].every((partitions) => partitions.length === 5 && partitions.every((p) => p.leader >= 0));
      },
      15_000,
      `every node to report ${topic} with 5 partitions, each with a leader`,
    );

    const producer = await ctx.producer();
    await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3, 4].map((partition) => ({ partition, value: `to-${partition}` })) });
    const records = await readTopic(ctx, topic);
    // Offsets too: a record stored twice shows at offset 1, a record delivered twice at offset 0 twice.
    checkEqual(
      records.map((r) => [r.partition, r.offset, text(r.value)]),
      [0, 1, 2, 3, 4].map((p) => [p, 0, `to-${p}`]),
      'one record read back from each partition, at offset 0',
    );

    await expectRejection(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }), 'INVALID_PARTITIONS', 'createPartitions to fewer partitions');
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    check(topics[0]?.partitions.length === 5, `the refused shrink changed the partition count to ${topics[0]?.partitions.length}`);
  },
});
