import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, schema } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({ properties: { 'num.partitions': '2' } });
});

afterAll(async () => {
  await node.stop();
});

function create(
  client: WireClient,
  topics: { name: string; numPartitions?: number; replicationFactor?: number; configs?: Record<string, string> }[],
  validateOnly = false,
) {
  return client.send(ApiKey.CreateTopics, 7, {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.numPartitions ?? -1,
      replicationFactor: t.replicationFactor ?? -1,
      assignments: [],
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs: 5000,
    validateOnly,
  });
}

describe('CreateTopics', () => {
  it('creates topics with broker defaults and answers their effective configs (v5+)', async () => {
    const client = await node.client();
    const response = await create(client, [{ name: 'c1', configs: { 'retention.ms': '60000' } }]);
    const topic = response.topics[0]!;
    expect(topic).toMatchObject({ name: 'c1', errorCode: 0, errorMessage: null, numPartitions: 2, replicationFactor: 1 });
    expect(topic.topicId).not.toBe(schema.ZERO_UUID);
    expect(topic.configs!.find((c) => c.name === 'retention.ms')).toEqual({
      name: 'retention.ms',
      value: '60000',
      readOnly: false,
      configSource: 1,
      isSensitive: false,
    });
    expect(node.broker.replicas.partition('c1', 1)).toBeDefined();
  });

  it("answers Kafka's errors for bad requests", async () => {
    const client = await node.client();
    await createTopic(client, 'exists');
    await createTopic(client, 'a.b');
    const response = await create(client, [
      { name: 'exists' },
      { name: 'bad/name' },
      { name: 'zero', numPartitions: 0 },
      { name: 'rf0', replicationFactor: 0 },
      { name: 'rf3', replicationFactor: 3 },
      { name: 'a_b' },
      { name: 'badconfig', configs: { 'retention.ms': 'soon' } },
      { name: 'unknownconfig', configs: { 'no.such.config': '1' } },
      { name: 'dup' },
      { name: 'dup' },
    ]);
    expect(response.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
      ['exists', ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'exists' already exists."],
      [
        'bad/name',
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "Topic name \"bad/name\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'",
      ],
      ['zero', ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.'],
      ['rf0', ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.'],
      [
        'rf3',
        ErrorCode.INVALID_REPLICATION_FACTOR,
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
      ],
      ['a_b', ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic 'a_b' collides with existing topic: a.b"],
      ['badconfig', ErrorCode.INVALID_CONFIG, 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
      ['unknownconfig', ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.config'],
      // A name given twice is answered once, after the others, as Kafka does.
      ['dup', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ]);
  });

  it('validates without creating when validate_only is set', async () => {
    const client = await node.client();
    const response = await create(client, [{ name: 'dry', numPartitions: 4 }], true);
    expect(response.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 4, topicId: schema.ZERO_UUID });
    expect(node.broker.image.topic('dry')).toBeUndefined();
  });
});

describe('DeleteTopics and CreatePartitions', () => {
  it('deletes topics by name and by id, and their logs', async () => {
    const client = await node.client();
    await createTopic(client, 'gone1');
    const id = await createTopic(client, 'gone2');
    const dir = node.broker.replicas.partition('gone1', 0)!.log.dir;
    const byName = await client.send(ApiKey.DeleteTopics, 5, { topicNames: ['gone1', 'never'], timeoutMs: 5000 });
    expect(byName.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['gone1', 0],
      ['never', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    const byId = await client.send(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: id },
        { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' },
      ],
      timeoutMs: 5000,
    });
    expect(byId.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['gone2', 0],
      [null, ErrorCode.UNKNOWN_TOPIC_ID],
    ]);
    expect(node.broker.image.topic('gone1')).toBeUndefined();
    expect(node.broker.replicas.partition('gone2', 0)).toBeUndefined();
    const { existsSync } = await import('node:fs');
    expect(existsSync(dir)).toBe(false);
  });

  it('answers INVALID_REQUEST for each v6 entry naming neither a topic nor an id, first, as Kafka does', async () => {
    const client = await node.client();
    await createTopic(client, 'gone3');
    const response = await client.send(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: schema.ZERO_UUID },
        { name: 'gone3', topicId: schema.ZERO_UUID },
        { name: null, topicId: schema.ZERO_UUID },
      ],
      timeoutMs: 5000,
    });
    const neither = [null, schema.ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'];
    expect(response.responses.map((r) => [r.name, r.topicId, r.errorCode, r.errorMessage])).toEqual([
      neither,
      neither,
      ['gone3', expect.any(String), ErrorCode.NONE, null],
    ]);
    expect(node.broker.image.topic('gone3')).toBeUndefined();
  });

  it('adds partitions and refuses decreases', async () => {
    const client = await node.client();
    await createTopic(client, 'grow', 1);
    const response = await client.send(ApiKey.CreatePartitions, 3, {
      topics: [
        { name: 'grow', count: 3, assignments: null },
        { name: 'exists', count: 1, assignments: null },
        { name: 'missing', count: 2, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(response.results.map((r) => [r.name, r.errorCode])).toEqual([
      ['grow', 0],
      ['exists', ErrorCode.INVALID_PARTITIONS],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(node.broker.image.topic('grow')!.partitions.size).toBe(3);
    expect(node.broker.replicas.partition('grow', 2)?.isLeader).toBe(true);
  });
});
