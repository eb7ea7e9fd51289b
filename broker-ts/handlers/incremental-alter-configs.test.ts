import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';

const TOPIC = 2;
const BROKER = 4;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({});
  await createTopic(await node.client(), 'inc', 1, { 'retention.ms': '60000' });
});

afterAll(async () => {
  await node.stop();
});

type Op = { name: string; configOperation: number; value: string | null };

async function alter(client: WireClient, resourceType: number, resourceName: string, configs: Op[], validateOnly = false, version = 1) {
  const response = await client.send(ApiKey.IncrementalAlterConfigs, version, { resources: [{ resourceType, resourceName, configs }], validateOnly });
  return response.responses[0]!;
}

async function overrides(client: WireClient, topic: string): Promise<Record<string, string | null>> {
  const response = await client.send(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  // Source 1: a dynamic topic config, i.e. an override.
  return Object.fromEntries(response.results[0]!.configs.filter((c) => c.configSource === 1).map((c) => [c.name, c.value]));
}

describe('IncrementalAlterConfigs', () => {
  it('sets and deletes keys, leaving the others as they were (unlike AlterConfigs)', async () => {
    const client = await node.client();
    expect(await alter(client, TOPIC, 'inc', [{ name: 'max.message.bytes', configOperation: SET, value: '5000' }])).toMatchObject({
      errorCode: 0,
      resourceName: 'inc',
    });
    expect(await overrides(client, 'inc')).toEqual({ 'retention.ms': '60000', 'max.message.bytes': '5000' });
    expect((await alter(client, TOPIC, 'inc', [{ name: 'retention.ms', configOperation: DELETE, value: null }], false, 0)).errorCode).toBe(0);
    expect(await overrides(client, 'inc')).toEqual({ 'max.message.bytes': '5000' });
  });

  it('appends to and subtracts from list configs, starting from the default', async () => {
    const client = await node.client();
    expect((await alter(client, TOPIC, 'inc', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])).errorCode).toBe(0);
    expect((await overrides(client, 'inc'))['cleanup.policy']).toBe('delete,compact');
    expect((await alter(client, TOPIC, 'inc', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])).errorCode).toBe(0);
    expect((await overrides(client, 'inc'))['cleanup.policy']).toBe('compact');
  });

  it('answers as Kafka does for what it refuses, and changes nothing then or with validateOnly', async () => {
    const client = await node.client();
    const before = await overrides(client, 'inc');
    expect(await alter(client, TOPIC, 'inc', [{ name: 'retention.ms', configOperation: APPEND, value: '5' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect((await alter(client, TOPIC, 'inc', [{ name: 'retention.ms', configOperation: SET, value: 'soon' }])).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await alter(client, TOPIC, 'inc', [{ name: 'no.such.key', configOperation: SET, value: '1' }])).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(
      await alter(client, TOPIC, 'inc', [
        { name: 'retention.ms', configOperation: SET, value: '1' },
        { name: 'retention.ms', configOperation: DELETE, value: null },
      ]),
    ).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Error due to duplicate config keys' });
    // Kafka 4.4 answers an unknown operation code with UNKNOWN_SERVER_ERROR and no message.
    expect(await alter(client, TOPIC, 'inc', [{ name: 'retention.ms', configOperation: 9, value: '1' }])).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
      errorMessage: null,
    });
    expect((await alter(client, TOPIC, 'nope', [{ name: 'retention.ms', configOperation: SET, value: '1' }])).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    expect((await alter(client, TOPIC, 'inc', [{ name: 'retention.ms', configOperation: SET, value: '1' }], true)).errorCode).toBe(0);
    expect(await overrides(client, 'inc')).toEqual(before);
  });

  it('changes dynamic broker configs, and refuses static ones', async () => {
    const client = await node.client();
    expect((await alter(client, BROKER, '', [{ name: 'log.retention.ms', configOperation: SET, value: '120000' }])).errorCode).toBe(0);
    expect(await alter(client, BROKER, '', [{ name: 'node.id', configOperation: SET, value: '7' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Cannot update these configs dynamically: [node.id]',
    });
  });
});
