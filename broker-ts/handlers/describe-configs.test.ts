import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({ properties: { 'log.segment.bytes': '2097152' } });
  await createTopic(await node.client(), 'cfg', 1, { 'cleanup.policy': 'compact' });
});

afterAll(async () => {
  await node.stop();
});

function describeConfigs(client: WireClient, resourceType: number, resourceName: string, keys: string[] | null = null) {
  return client.send(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType, resourceName, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
}

describe('DescribeConfigs', () => {
  it("describes a topic's keys with their sources", async () => {
    const client = await node.client();
    const result = (await describeConfigs(client, 2, 'cfg')).results[0]!;
    expect(result.errorCode).toBe(0);
    const byName = new Map(result.configs.map((c) => [c.name, c]));
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1, readOnly: false, configType: 7 });
    expect(byName.get('segment.bytes')).toMatchObject({ value: '2097152', configSource: 4 });
    expect(byName.get('max.message.bytes')).toMatchObject({ value: '1048588', configSource: 5 });
    expect(byName.get('segment.bytes')!.synonyms.map((s) => [s.name, s.source])).toEqual([
      ['log.segment.bytes', 4],
      ['log.segment.bytes', 5],
    ]);
  });

  it('describes the broker, and refuses other broker ids', async () => {
    const client = await node.client();
    const broker = (await describeConfigs(client, 4, '1', ['num.partitions', 'log.segment.bytes'])).results[0]!;
    expect(broker.configs.map((c) => [c.name, c.value, c.configSource, c.readOnly])).toEqual([
      ['log.segment.bytes', '2097152', 4, false],
      ['num.partitions', '1', 5, true],
    ]);
    const other = (await describeConfigs(client, 4, '7')).results[0]!;
    expect(other).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 1 or empty string, but received 7' });
    expect((await describeConfigs(client, 2, 'nope')).results[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("answers INVALID_TOPIC_EXCEPTION for an illegal topic name, with Kafka's message", async () => {
    const client = await node.client();
    const results = await Promise.all(['bad/name', ''].map(async (name) => (await describeConfigs(client, 2, name)).results[0]!));
    expect(results.map((r) => [r.resourceName, r.errorCode, r.errorMessage, r.configs])).toEqual([
      [
        'bad/name',
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "Topic name is invalid: 'bad/name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
        [],
      ],
      ['', ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name is invalid: the empty string is not allowed', []],
    ]);
  });
});

describe('AlterConfigs', () => {
  it("replaces a topic's overrides and applies them to its logs", async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.AlterConfigs, 2, {
      resources: [{ resourceType: 2, resourceName: 'cfg', configs: [{ name: 'max.message.bytes', value: '5000' }] }],
      validateOnly: false,
    });
    expect(response.responses[0]!.errorCode).toBe(0);
    const configs = (await describeConfigs(client, 2, 'cfg')).results[0]!.configs;
    expect(configs.find((c) => c.name === 'max.message.bytes')).toMatchObject({ value: '5000', configSource: 1 });
    // The legacy AlterConfigs replaces the whole set: cleanup.policy went back to its default.
    expect(configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', configSource: 5 });
    expect(node.broker.replicas.partition('cfg', 0)!.log.config.maxMessageBytes).toBe(5000);
  });

  it('refuses invalid values, unknown topics and broker keys that are not dynamic', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.AlterConfigs, 2, {
      resources: [
        { resourceType: 2, resourceName: 'cfg', configs: [{ name: 'segment.bytes', value: '1000' }] },
        { resourceType: 2, resourceName: 'nope', configs: [{ name: 'retention.ms', value: '5' }] },
        { resourceType: 4, resourceName: '1', configs: [{ name: 'num.partitions', value: '5' }] },
      ],
      validateOnly: true,
    });
    expect(response.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_CONFIG, 'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576'],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'nope' does not exist."],
      [ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: [num.partitions]'],
    ]);
  });

  it("refuses a key given twice, and null values, with Kafka's INVALID_REQUEST, changing nothing", async () => {
    const client = await node.client();
    await createTopic(client, 'cfg-twice', 1, { 'retention.ms': '60000' });
    await createTopic(client, 'cfg-nulls', 1, { 'retention.ms': '60000' });
    const response = await client.send(ApiKey.AlterConfigs, 2, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'cfg-twice',
          configs: [
            { name: 'retention.ms', value: '1000' },
            { name: 'retention.ms', value: '2000' },
          ],
        },
        {
          resourceType: 2,
          resourceName: 'cfg-nulls',
          configs: [
            { name: 'retention.ms', value: null },
            { name: 'max.message.bytes', value: '5000' },
            { name: 'segment.ms', value: null },
          ],
        },
        { resourceType: 4, resourceName: '1', configs: [{ name: 'log.flush.interval.messages', value: null }] },
        { resourceType: 2, resourceName: 'nope', configs: [{ name: 'retention.ms', value: null }] },
      ],
      validateOnly: false,
    });
    expect(response.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage])).toEqual([
      ['cfg-twice', ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys'],
      ['cfg-nulls', ErrorCode.INVALID_REQUEST, 'Null value not supported for : retention.ms, segment.ms'],
      ['1', ErrorCode.INVALID_REQUEST, 'Null value not supported for : log.flush.interval.messages'],
      // Kafka checks the configs before it looks for the topic.
      ['nope', ErrorCode.INVALID_REQUEST, 'Null value not supported for : retention.ms'],
    ]);
    for (const topic of ['cfg-twice', 'cfg-nulls']) expect(node.broker.image.topicConfigs(topic)).toEqual(new Map([['retention.ms', '60000']]));
  });

  it('sets dynamic broker configs that topics then inherit', async () => {
    const client = await node.client();
    await createTopic(client, 'inherits');
    const response = await client.send(ApiKey.AlterConfigs, 2, {
      // AlterConfigs replaces the cluster's whole set: the min.insync.replicas that eligible leader
      // replicas keep there must be given again, or the request is refused as Kafka 4.4 refuses it.
      resources: [
        {
          resourceType: 4,
          resourceName: '',
          configs: [
            { name: 'log.flush.interval.messages', value: '1' },
            { name: 'min.insync.replicas', value: '1' },
          ],
        },
      ],
      validateOnly: false,
    });
    expect(response.responses[0]!.errorCode).toBe(0);
    expect(node.broker.replicas.partition('inherits', 0)!.log.config.flushIntervalMessages).toBe(1);
    const configs = (await describeConfigs(client, 2, 'inherits', ['flush.messages'])).results[0]!.configs;
    expect(configs[0]).toMatchObject({ value: '1', configSource: 3 });
  });
});
