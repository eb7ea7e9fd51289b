import { check, checkEqual, step, waitUntil } from '../check.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-topics',
  title: 'createTopics (validateOnly, again when it exists), listTopics, deleteTopics',
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = ctx.name('t');
    const spec = { topic, numPartitions: 3, replicationFactor: ctx.replicationFactor };

    const validated = await step('createTopics with validateOnly', admin.createTopics({ topics: [spec], validateOnly: true, waitForLeaders: false }));
    check(validated, `createTopics with validateOnly answered ${String(validated)} (false means "already exists")`);
    check(!(await admin.listTopics()).includes(topic), 'createTopics with validateOnly created the topic');

    checkEqual(await admin.createTopics({ topics: [spec], waitForLeaders: true }), true, 'createTopics of a new topic');
    // kafkajs answers false when every error is TOPIC_ALREADY_EXISTS.
    checkEqual(await admin.createTopics({ topics: [spec], waitForLeaders: false }), false, 'createTopics of an existing topic');
    check((await admin.listTopics()).includes(topic), `listTopics does not list ${topic} after createTopics`);

    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    checkEqual(topics[0]?.partitions.length, 3, 'partitions of the created topic');

    await step('deleteTopics', admin.deleteTopics({ topics: [topic], timeout: 10_000 }));
    // Deletion finishes asynchronously on every broker; listTopics asks one of them.
    await waitUntil(async () => !(await admin.listTopics()).includes(topic), 15_000, `${topic} to leave listTopics after deleteTopics`);
  },
});
