import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKey, ErrorCode, WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';

/** Kafka 4.x minimum versions (KIP-896) for the keys broker-ts serves. */
const EXPECTED_RANGES: Record<number, [number, number]> = {
  0: [0, 11],
  1: [4, 16],
  2: [1, 8],
  3: [0, 12],
  8: [2, 9],
  9: [1, 9],
  10: [0, 6],
  11: [0, 9],
  12: [0, 4],
  13: [0, 5],
  14: [0, 5],
  15: [0, 5],
  16: [0, 5],
  17: [0, 1],
  18: [0, 5],
  19: [2, 7],
  20: [1, 6],
  21: [0, 2],
  22: [0, 5],
  23: [2, 4],
  24: [0, 3],
  25: [0, 3],
  26: [0, 3],
  27: [1, 1],
  28: [0, 3],
  32: [1, 4],
  33: [0, 2],
  35: [1, 5],
  36: [0, 2],
  37: [0, 3],
  42: [0, 2],
  43: [0, 2],
  44: [0, 1],
  45: [0, 1],
  46: [0, 0],
  47: [0, 0],
  55: [0, 2],
  57: [0, 2],
  60: [0, 1],
  61: [0, 0],
  65: [0, 0],
  66: [0, 2],
  68: [0, 1],
  69: [0, 1],
  75: [0, 0],
};

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker();
});

afterAll(async () => {
  await node.stop();
});

describe('ApiVersions', () => {
  it('advertises exactly the APIs broker-ts serves, with Kafka 4 minimum versions', async () => {
    const client = await node.client();
    const versions = await client.negotiateVersions();
    expect(Object.fromEntries([...versions].map(([key, v]) => [key, [v.minVersion, v.maxVersion]]))).toEqual(EXPECTED_RANGES);
  });

  it('answers every version from v0 to v5, and refuses an invalid client software name in v3+', async () => {
    const client = await node.client();
    for (const version of [0, 1, 2]) expect((await client.send(ApiKey.ApiVersions, version, {})).errorCode).toBe(ErrorCode.NONE);
    const ok = await client.send(ApiKey.ApiVersions, 4, { clientSoftwareName: 'kafkajs', clientSoftwareVersion: '2.2.4' });
    // On a PLAINTEXT listener the SASL APIs are listed but answer ILLEGAL_SASL_STATE, as in Kafka.
    expect((await client.send(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    const bad = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: '', clientSoftwareVersion: '1' });
    expect(bad).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] });
  });

  it('v3+ reports the supported feature ranges and the finalized levels, as Kafka 4.4 does', async () => {
    const client = await node.client();
    const ask = (version: number) => client.send(ApiKey.ApiVersions, version, { clientSoftwareName: 'kafka-java', clientSoftwareVersion: '4.4.0' });
    // The first active controller finalizes metadata.version just after the quorum forms.
    await vi.waitFor(
      async () =>
        expect((await ask(4)).finalizedFeatures).toEqual([
          { name: 'metadata.version', maxVersionLevel: 33, minVersionLevel: 33 },
          { name: 'group.version', maxVersionLevel: 1, minVersionLevel: 1 },
          { name: 'eligible.leader.replicas.version', maxVersionLevel: 1, minVersionLevel: 1 },
        ]),
      { timeout: 10_000 },
    );
    const v4 = await ask(4);
    expect(v4.finalizedFeaturesEpoch).toBeGreaterThan(0n);
    expect(v4.supportedFeatures).toContainEqual({ name: 'metadata.version', minVersion: 7, maxVersion: 33 });
    // Features broker-ts does not implement are listed, at level 0 only, so that kafka-features shows them off.
    expect(v4.supportedFeatures).toContainEqual({ name: 'share.version', minVersion: 0, maxVersion: 0 });
    expect(v4.supportedFeatures).toContainEqual({ name: 'group.version', minVersion: 0, maxVersion: 1 });
    // v3 cannot carry a range that starts at 0: Kafka lists only metadata.version there.
    expect((await ask(3)).supportedFeatures).toEqual([{ name: 'metadata.version', minVersion: 7, maxVersion: 33 }]);
  });

  it('leaves the consumer group protocol out when group.coordinator.rebalance.protocols does not list consumer, as Kafka does', async () => {
    const classicOnly = await startInProcessBroker({ properties: { 'group.coordinator.rebalance.protocols': 'classic' } });
    try {
      const client = await classicOnly.client();
      const versions = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      expect(versions.apiKeys.map((k) => k.apiKey)).not.toContain(ApiKey.ConsumerGroupHeartbeat);
      expect(versions.apiKeys.map((k) => k.apiKey)).not.toContain(ApiKey.ConsumerGroupDescribe);
      const beat = await client.send(ApiKey.ConsumerGroupHeartbeat, 1, {
        groupId: 'g',
        memberId: 'm',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: ['t'],
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: [],
      });
      expect(beat.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    } finally {
      await classicOnly.stop();
    }
  });

  it('v5: a client that names another cluster or node is told to rebootstrap; naming only one is invalid', async () => {
    const client = await node.client();
    const ask = (clusterId: string | null, nodeId: number, clientSoftwareName = 'kafka-java') =>
      client.send(ApiKey.ApiVersions, 5, { clientSoftwareName, clientSoftwareVersion: '4.4.0', clusterId, nodeId });
    const { clusterId, nodeId } = node.broker;
    expect((await ask(null, -1)).errorCode).toBe(ErrorCode.NONE);
    const right = await ask(clusterId, nodeId);
    expect(right.errorCode).toBe(ErrorCode.NONE);
    expect(right.apiKeys.length).toBeGreaterThan(10);
    // The answers Kafka 4.4.0 gives for the same requests.
    expect(await ask('AAAAAAAAAAAAAAAAAAAAAA', nodeId)).toMatchObject({ errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: [] });
    expect(await ask(clusterId, nodeId + 1)).toMatchObject({ errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: [] });
    expect(await ask('', nodeId)).toMatchObject({ errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: [] });
    expect(await ask(clusterId, -5)).toMatchObject({ errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: [] });
    expect(await ask(clusterId, -1)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] });
    expect(await ask(null, nodeId)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] });
    expect(await ask(null, -5)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] });
    // The software name is checked first.
    expect(await ask('elsewhere', 9, '-bad-')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] });
  });

  it('answers an unknown ApiVersions version in the v0 layout with its own range', async () => {
    const client = await node.client();
    const frame = await client.sendRaw(ApiKey.ApiVersions, 99, Buffer.alloc(0));
    // correlation id, UNSUPPORTED_VERSION, one entry: ApiVersions 0-5 (no throttle time: v0 layout)
    expect(frame.subarray(4).toString('hex')).toBe('0023' + '00000001' + '0012' + '0000' + '0005');
  });

  it('closes the connection for an unknown API key, a version out of range and an API it does not serve', async () => {
    for (const [apiKey, version] of [
      [1000, 0],
      [ApiKey.Produce, 2],
      [ApiKey.Metadata, 13],
      [ApiKey.SaslHandshake, 2],
      [ApiKey.WriteTxnMarkers, 0],
      [ApiKey.Vote, 0],
    ] as const) {
      const client = await WireClient.connect({ host: node.host, port: node.port, requestTimeoutMs: 5000 });
      await expect(client.sendRaw(apiKey, version, Buffer.alloc(8)), `key ${apiKey} v${version}`).rejects.toThrow(/closed/);
      await client.close();
    }
  });

  it('serves the quorum and controller APIs (and the SASL APIs) on the controller listener', async () => {
    const controller = node.broker.listeners().find((l) => l.name === 'CONTROLLER')!;
    const client = await WireClient.connect({ host: '127.0.0.1', port: controller.port });
    const versions = await client.negotiateVersions();
    expect([...versions.keys()]).toEqual([
      ApiKey.Fetch,
      ApiKey.SaslHandshake,
      ApiKey.ApiVersions,
      ApiKey.CreateTopics,
      ApiKey.DeleteTopics,
      ApiKey.AlterConfigs,
      ApiKey.SaslAuthenticate,
      ApiKey.CreatePartitions,
      ApiKey.ElectLeaders,
      ApiKey.IncrementalAlterConfigs,
      ApiKey.AlterPartitionReassignments,
      ApiKey.ListPartitionReassignments,
      ApiKey.Vote,
      ApiKey.BeginQuorumEpoch,
      ApiKey.EndQuorumEpoch,
      ApiKey.DescribeQuorum,
      ApiKey.AlterPartition,
      ApiKey.UpdateFeatures,
      ApiKey.BrokerRegistration,
      ApiKey.BrokerHeartbeat,
      ApiKey.AllocateProducerIds,
    ]);
    await expect(client.send(ApiKey.Metadata, 1, { topics: [] })).rejects.toThrow(/closed/);
    await client.close();
  });
});
