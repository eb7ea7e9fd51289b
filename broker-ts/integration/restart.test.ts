// broker-ts survives kill -9 and restarts: its log, its topics and the committed offsets are there
// again, and clients carry on. A SIGTERM stops it cleanly with exit code 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { ApiKey, WireClient } from '@kafka-chaos/protocol';
import { BrokerProcess } from '../testing/broker-process.js';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

let node: BrokerProcess;
let kafka: Kafka;

beforeAll(async () => {
  node = await BrokerProcess.start();
  kafka = kafkaClient(node.bootstrap);
});

afterAll(async () => {
  await node?.destroy();
});

describe('restarts', () => {
  it('keeps acknowledged messages, topics, configs and committed offsets through kill -9', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'durable', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
      waitForLeaders: true,
    });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'durable', acks: -1, messages: [{ partition: i % 2, value: `m${i}` }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'survivor', maxWaitTimeInMs: 200 });
    let read = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'durable', fromBeginning: true });
    await consumer.run({ autoCommitInterval: 100, eachMessage: async () => void read++ });
    await eventually(
      () => read,
      (n) => n === 10,
    );
    await consumer.disconnect();
    const committed = await admin.fetchOffsets({ groupId: 'survivor', topics: ['durable'] });
    await admin.disconnect();
    const topicIdBefore = await topicId('durable');

    await node.kill();
    await node.launch();

    const after = kafka.admin();
    await after.connect();
    try {
      expect(await after.fetchTopicOffsets('durable')).toEqual([
        { partition: 0, offset: '5', high: '5', low: '0' },
        { partition: 1, offset: '5', high: '5', low: '0' },
      ]);
      expect(await after.fetchOffsets({ groupId: 'survivor', topics: ['durable'] })).toEqual(committed);
      expect(await topicId('durable')).toBe(topicIdBefore);
      const configs = await after.describeConfigs({ resources: [{ type: 2, name: 'durable', configNames: ['retention.ms'] }], includeSynonyms: false });
      expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('86400000');

      // Clients carry on: new messages get the next offsets, the group resumes from its commits.
      const producer2 = kafka.producer({ idempotent: true });
      await producer2.connect();
      const sent = await producer2.send({ topic: 'durable', acks: -1, messages: [{ partition: 0, value: 'after-restart' }] });
      await producer2.disconnect();
      expect(sent[0]!.baseOffset).toBe('5');
      const values: string[] = [];
      const resumed = kafka.consumer({ groupId: 'survivor', maxWaitTimeInMs: 200 });
      await resumed.connect();
      await resumed.subscribe({ topic: 'durable', fromBeginning: true });
      await resumed.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
      await eventually(
        () => values,
        (v) => v.length === 1,
      );
      await resumed.disconnect();
      expect(values).toEqual(['after-restart']);
    } finally {
      await after.disconnect();
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    expect(await node.stop()).toBe(0);
    expect(node.log()).toContain('shut down cleanly');
    await node.launch();
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain('durable');
    await admin.disconnect();
  });
});

async function topicId(topic: string): Promise<string> {
  const client = await WireClient.connect({ host: '127.0.0.1', port: node.port });
  try {
    const response = await client.send(ApiKey.Metadata, 12, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    return response.topics[0]!.topicId!;
  } finally {
    await client.close();
  }
}
