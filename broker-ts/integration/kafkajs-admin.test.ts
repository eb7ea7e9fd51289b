// kafkajs's admin client against broker-ts running as a real process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { BrokerProcess } from '../testing/broker-process.js';
import { kafkaClient } from '../testing/kafkajs.js';

let node: BrokerProcess;
let admin: Admin;

beforeAll(async () => {
  node = await BrokerProcess.start({ properties: { 'num.partitions': '2' } });
  admin = kafkaClient(node.bootstrap).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await node?.destroy();
});

describe('kafkajs admin', () => {
  it('describes the cluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: node.port }]);
    expect(cluster.controller).toBe(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('creates, lists, describes and deletes topics', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'a1', numPartitions: 3 }, { topic: 'a2' }], waitForLeaders: true })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'a1' }] })).toBe(false);
    expect((await admin.listTopics()).sort()).toEqual(expect.arrayContaining(['a1', 'a2']));
    const metadata = await admin.fetchTopicMetadata({ topics: ['a1', 'a2'] });
    expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ['a1', 3],
      ['a2', 2],
    ]);
    await admin.deleteTopics({ topics: ['a2'] });
    expect(await admin.listTopics()).not.toContain('a2');
  });

  it('rejects bad topics with Kafka error names', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'rf', replicationFactor: 3 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    await expect(admin.createTopics({ topics: [{ topic: 'bad topic' }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_TOPIC_EXCEPTION' })],
    });
  });

  it('adds partitions', async () => {
    await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 1 }], waitForLeaders: true });
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4 }] });
    const metadata = await admin.fetchTopicMetadata({ topics: ['grow'] });
    expect(metadata.topics[0]!.partitions).toHaveLength(4);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 2 }] })).rejects.toThrow(/partition/i);
  });

  it('describes and alters configs', async () => {
    await admin.createTopics({ topics: [{ topic: 'cfg', configEntries: [{ name: 'retention.ms', value: '3600000' }] }], waitForLeaders: true });
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: 'cfg' }], includeSynonyms: false });
    const entries = new Map(described.resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(entries.get('retention.ms')).toMatchObject({ configValue: '3600000', isDefault: false, configSource: 1 });
    expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'delete', isDefault: true });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'cfg', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const after = await admin.describeConfigs({ resources: [{ type: 2, name: 'cfg', configNames: ['retention.ms'] }], includeSynonyms: false });
    expect(after.resources[0]!.configEntries[0]!.configValue).toBe('60000');
    const broker = await admin.describeConfigs({
      resources: [{ type: 4, name: '1', configNames: ['num.partitions', 'offsets.topic.num.partitions'] }],
      includeSynonyms: false,
    });
    expect(broker.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).toEqual([
      ['num.partitions', '2'],
      ['offsets.topic.num.partitions', '3'],
    ]);
  });
});
