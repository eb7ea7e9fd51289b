import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';

let node: InProcessBroker;
let topicId: string;

beforeAll(async () => {
  node = await startInProcessBroker();
  topicId = await createTopic(await node.client(), 'm', 2);
});

afterAll(async () => {
  await node.stop();
});

function metadata(client: WireClient, topics: { name: string | null; topicId?: string }[] | null, allowAutoTopicCreation = false, version = 12) {
  return client.send(ApiKey.Metadata, version, { topics, allowAutoTopicCreation, includeTopicAuthorizedOperations: false });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

describe('Metadata', () => {
  it('describes the broker, the cluster and topics with stable ids', async () => {
    const client = await node.client();
    const response = await metadata(client, null);
    expect(response.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: node.port, rack: null }]);
    expect(response.controllerId).toBe(1);
    expect(response.clusterId).toBe(node.broker.clusterId);
    const topic = response.topics.find((t) => t.name === 'm')!;
    expect(topic).toMatchObject({ errorCode: 0, topicId, isInternal: false });
    expect(topic.partitions).toEqual([
      { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
      { errorCode: 0, partitionIndex: 1, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
    ]);
  });

  it('treats v0 empty topics as all topics and v1+ empty topics as none', async () => {
    const client = await node.client();
    expect((await client.send(ApiKey.Metadata, 0, { topics: [] })).topics.map((t) => t.name)).toContain('m');
    expect((await client.send(ApiKey.Metadata, 1, { topics: [] })).topics).toEqual([]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION, and INVALID_TOPIC_EXCEPTION for illegal names', async () => {
    const client = await node.client();
    const response = await metadata(client, [{ name: 'absent' }, { name: 'bad name!' }]);
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['absent', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION],
    ]);
    expect(node.broker.image.topic('absent')).toBeUndefined();
  });

  it('creates topics on request when auto.create.topics.enable is on (the first answer is still UNKNOWN_TOPIC_OR_PARTITION)', async () => {
    const client = await node.client();
    const first = await metadata(client, [{ name: 'auto' }], true);
    expect(first.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const created = await until(
      () => metadata(client, [{ name: 'auto' }], true),
      (r) => r.topics[0]!.errorCode === 0,
    );
    expect(created.topics[0]!.partitions).toHaveLength(1);
  });

  it('looks topics up by id in v12', async () => {
    const client = await node.client();
    const byId = await metadata(client, [{ name: null, topicId }]);
    expect(byId.topics[0]).toMatchObject({ name: 'm', topicId, errorCode: 0 });
    const unknown = await metadata(client, [{ name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' }]);
    expect(unknown.topics[0]).toMatchObject({ name: null, errorCode: ErrorCode.UNKNOWN_TOPIC_ID });
  });
});

describe('leader epochs across restarts', () => {
  it('bumps them twice per restart, as KRaft fencing the old incarnation and electing the new one does', async () => {
    const first = await startInProcessBroker();
    await createTopic(await first.client(), 'epoch', 1);
    await first.stop({ keepData: true });
    const second = await startInProcessBroker({ dataDir: first.dataDir });
    try {
      const response = await metadata(await second.client(), [{ name: 'epoch' }]);
      expect(response.topics[0]!.partitions[0]).toMatchObject({ leaderId: 1, leaderEpoch: 2 });
      expect(second.broker.replicas.partition('epoch', 0)!.log.latestEpoch).toBe(2);
    } finally {
      await second.stop();
    }
  });
});
