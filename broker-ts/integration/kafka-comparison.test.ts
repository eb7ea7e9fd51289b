// The same requests to a real Apache Kafka node and to a broker-ts node, both started by the harness
// with the same server.properties: error codes and the shape of the answers must agree. Volatile
// values (ids, ports, timestamps) are left out of the comparison.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../harness/runtime/start-cluster.js';
import type { Cluster } from '../../harness/runtime/cluster.js';
import { ApiKey, ErrorCode, WireClient, encodeRecordBatch, encodeRequest, isRetriable, schema } from '../protocol/index.js';
import type { RecordInput } from '../protocol/index.js';

const logDir = mkdtempSync(join(tmpdir(), 'broker-ts-vs-kafka-'));
const clusters: Record<'kafka' | 'brokerTs', Cluster | undefined> = { kafka: undefined, brokerTs: undefined };
const clients: Record<'kafka' | 'brokerTs', WireClient | undefined> = { kafka: undefined, brokerTs: undefined };

async function connect(cluster: Cluster): Promise<WireClient> {
  const [host, port] = cluster.harnessServers()[0]!.split(':');
  const client = await WireClient.connect({ host: host!, port: Number(port), requestTimeoutMs: 20_000 });
  await client.negotiateVersions();
  return client;
}

beforeAll(async () => {
  const config = { 'auto.create.topics.enable': 'false', 'message.max.bytes': '100000' };
  clusters.kafka = await startCluster({ broker: 'kafka', nodes: 1, logDir: join(logDir, 'kafka'), brokerConfig: config });
  clusters.brokerTs = await startCluster({ broker: 'broker-ts', nodes: 1, logDir: join(logDir, 'broker-ts'), brokerConfig: config });
  clients.kafka = await connect(clusters.kafka);
  clients.brokerTs = await connect(clusters.brokerTs);
}, 300_000);

afterAll(async () => {
  await clients.kafka?.close();
  await clients.brokerTs?.close();
  await clusters.kafka?.close();
  await clusters.brokerTs?.close();
  rmSync(logDir, { recursive: true, force: true });
});

/** Runs the same exchange against both brokers. */
async function both<T>(exchange: (client: WireClient, cluster: Cluster) => Promise<T>): Promise<{ kafka: T; brokerTs: T }> {
  return {
    kafka: await exchange(clients.kafka!, clusters.kafka!),
    brokerTs: await exchange(clients.brokerTs!, clusters.brokerTs!),
  };
}

/** Retries an exchange while Kafka answers it with a retriable error (coordinator loading, say). */
async function settled<T>(exchange: () => Promise<T>, retriable: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await exchange();
    if (!retriable(value) || attempt > 50) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function createTopic(client: WireClient, name: string, numPartitions = 1, configs: { name: string; value: string }[] = []) {
  const response = await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  expect(response.topics[0]!.errorCode).toBe(0);
  // Kafka's brokers learn of a new topic a moment after its controller answers.
  await settled(
    () => client.send(ApiKey.Metadata, 12, { topics: [{ name }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
    (r) => r.topics[0]!.errorCode !== 0 || r.topics[0]!.partitions.some((p) => p.leaderId < 0),
  );
}

function produce(client: WireClient, topic: string, records: readonly RecordInput[], acks = -1, partition = 0) {
  return client.send(ApiKey.Produce, 9, {
    transactionalId: null,
    acks,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: encodeRecordBatch(records) }] }],
  });
}

/**
 * Writes records that a later exchange reads. Kafka's brokers list a new partition's leader in
 * Metadata a moment before they lead it, and answer NOT_LEADER_OR_FOLLOWER meanwhile.
 */
async function produceStored(client: WireClient, topic: string, records: readonly RecordInput[], partition = 0): Promise<void> {
  const errorCode = (r: Awaited<ReturnType<typeof produce>>) => r.responses[0]!.partitionResponses[0]!.errorCode;
  const response = await settled(
    () => produce(client, topic, records, -1, partition),
    (r) => isRetriable(errorCode(r)),
  );
  expect(errorCode(response), `producing to ${topic}-${partition}`).toBe(0);
}

describe('broker-ts answers as Kafka does', () => {
  it('ApiVersions: the same minimum versions, maxima no higher than Kafka', async () => {
    const { kafka, brokerTs } = await both((client) => client.negotiateVersions());
    for (const [apiKey, range] of brokerTs) {
      const kafkaRange = kafka.get(apiKey);
      expect(kafkaRange, `API key ${apiKey}`).toBeDefined();
      expect(range.minVersion, `min version of API key ${apiKey}`).toBe(kafkaRange!.minVersion);
      expect(range.maxVersion, `max version of API key ${apiKey}`).toBeLessThanOrEqual(kafkaRange!.maxVersion);
    }
  });

  it('ApiVersions: an unknown version gets the v0 layout with UNSUPPORTED_VERSION', async () => {
    const { kafka, brokerTs } = await both(async (client) => (await client.sendRaw(ApiKey.ApiVersions, 99, Buffer.alloc(0))).subarray(4).toString('hex'));
    expect(brokerTs).toBe(kafka);
    const invalid = await both((client) => client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: '-bad-', clientSoftwareVersion: '1' }));
    expect(invalid.brokerTs).toEqual(invalid.kafka);
  });

  it('closes the connection for versions and keys it does not serve', async () => {
    const outcomes = await both(async (_client, cluster) => {
      const results: string[] = [];
      for (const [apiKey, version] of [
        [ApiKey.Produce, 2],
        [ApiKey.Metadata, 99],
        [999, 0],
      ] as const) {
        const [host, port] = cluster.harnessServers()[0]!.split(':');
        const probe = await WireClient.connect({ host: host!, port: Number(port), requestTimeoutMs: 5000 });
        results.push(await probe.sendRaw(apiKey, version, Buffer.alloc(16)).then(() => 'answered', (e: Error) => e.name));
        await probe.close();
      }
      return results;
    });
    expect(outcomes.brokerTs).toEqual(outcomes.kafka);
    expect(outcomes.kafka).toEqual(['ConnectionClosedError', 'ConnectionClosedError', 'ConnectionClosedError']);
  });

  it('Metadata: the same shape for a topic, and the same errors for unknown and invalid topics', async () => {
    const shapes = await both(async (client) => {
      await createTopic(client, 'cmp-meta', 3);
      const response = await client.send(ApiKey.Metadata, 12, {
        topics: [{ name: 'cmp-meta' }, { name: 'cmp-absent' }, { name: 'bad name' }],
        allowAutoTopicCreation: true,
        includeTopicAuthorizedOperations: true,
      });
      // Once one topic is named by id, Kafka looks up ids only.
      const byId = await client.send(ApiKey.Metadata, 12, {
        topics: [{ name: 'cmp-meta' }, { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      const nodeId = response.brokers[0]!.nodeId;
      return {
        brokers: response.brokers.length,
        controllerIsListed: response.brokers.some((b) => b.nodeId === response.controllerId),
        clusterIdPresent: typeof response.clusterId === 'string' && response.clusterId.length > 0,
        topics: response.topics
          .map((t) => ({
            errorCode: t.errorCode,
            name: t.name,
            hasTopicId: t.topicId !== schema.ZERO_UUID,
            isInternal: t.isInternal,
            topicAuthorizedOperations: t.topicAuthorizedOperations,
            partitions: t.partitions.map((p) => ({ ...p, leaderId: p.leaderId === nodeId, replicaNodes: p.replicaNodes.length, isrNodes: p.isrNodes.length })),
          }))
          .sort((a, b) => String(a.name).localeCompare(String(b.name))),
        byId: byId.topics.map((t) => ({ errorCode: t.errorCode, name: t.name, topicId: t.topicId })),
      };
    });
    expect(shapes.brokerTs).toEqual(shapes.kafka);
  });

  it('CreateTopics: the same error codes for the same mistakes', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-exists');
      await createTopic(client, 'cmp.dot');
      const response = await client.send(ApiKey.CreateTopics, 7, {
        topics: [
          { name: 'cmp-exists', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'cmp bad', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'cmp-zero', numPartitions: 0, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'cmp-rf0', numPartitions: 1, replicationFactor: 0, assignments: [], configs: [] },
          { name: 'cmp-rf3', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
          { name: 'cmp_dot', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'cmp-cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'segment.bytes', value: '10' }] },
          { name: 'cmp-unknown-cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such', value: '1' }] },
          { name: 'cmp-ok', numPartitions: 2, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] },
          { name: 'cmp-twice', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'cmp-null-cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: null }] },
          { name: 'cmp-twice', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        ],
        timeoutMs: 30_000,
        validateOnly: true,
      });
      return response.topics.map((t) => ({
        name: t.name,
        errorCode: t.errorCode,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        retention: t.configs?.find((c) => c.name === 'retention.ms')?.value,
      }));
    });
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('Produce: the same errors for unknown topics, oversized batches and bad acks', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-produce');
      const codes = [];
      codes.push((await produce(client, 'cmp-nowhere', [{ value: 'x' }])).responses[0]!.partitionResponses[0]!.errorCode);
      codes.push((await produce(client, 'cmp-produce', [{ value: 'x' }], -1, 5)).responses[0]!.partitionResponses[0]!.errorCode);
      codes.push((await produce(client, 'cmp-produce', [{ value: Buffer.alloc(150_000) }])).responses[0]!.partitionResponses[0]!.errorCode);
      codes.push((await produce(client, 'cmp-produce', [{ value: 'x' }], 3)).responses[0]!.partitionResponses[0]!.errorCode);
      const ok = (await produce(client, 'cmp-produce', [{ value: 'a' }, { value: 'b' }])).responses[0]!.partitionResponses[0]!;
      return { codes, ok: { errorCode: ok.errorCode, baseOffset: ok.baseOffset, logStartOffset: ok.logStartOffset, logAppendTimeMs: ok.logAppendTimeMs } };
    });
    expect(results.brokerTs).toEqual(results.kafka);
    expect(results.kafka.codes).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.INVALID_REQUIRED_ACKS]);
  });

  it('ListOffsets: earliest, latest, max timestamp and by timestamp agree', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-times');
      await produceStored(client, 'cmp-times', [{ value: 'a', timestamp: 1000n }, { value: 'b', timestamp: 3000n }]);
      await produceStored(client, 'cmp-times', [{ value: 'c', timestamp: 2000n }]);
      const answers = [];
      for (const timestamp of [-2n, -1n, -3n, 1500n, 2500n, 9999n]) {
        const response = await client.send(ApiKey.ListOffsets, 8, {
          replicaId: -1,
          isolationLevel: 1,
          topics: [
            { name: 'cmp-times', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
            { name: 'cmp-nowhere', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
          ],
        });
        answers.push(response.topics.map((t) => t.partitions.map((p) => ({ ...p, leaderEpoch: p.leaderEpoch! >= 0 }))));
      }
      // A partition asked for twice gets one INVALID_REQUEST answer.
      const duplicated = await client.send(ApiKey.ListOffsets, 8, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'cmp-times', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }, { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }],
      });
      answers.push(duplicated.topics[0]!.partitions.map((p) => ({ ...p, leaderEpoch: p.leaderEpoch! >= 0 })));
      return answers;
    });
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('Fetch: out of range and unknown partitions are answered alike', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-fetch', 2);
      await produceStored(client, 'cmp-fetch', [{ value: 'a' }, { value: 'b' }]);
      await produceStored(client, 'cmp-fetch', [{ value: 'c' }, { value: 'd' }], 1);
      const response = await client.send(ApiKey.Fetch, 12, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'cmp-fetch',
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, fetchOffset: 50n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 },
              { partition: 1, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 },
              { partition: 4, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 },
              // Named again: Kafka keeps the last position, in the first place.
              { partition: 1, currentLeaderEpoch: -1, fetchOffset: 1n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 },
            ],
          },
          {
            topic: 'cmp-nowhere',
            partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      return {
        errorCode: response.errorCode,
        sessionId: response.sessionId,
        partitions: response.responses.flatMap((t) => t.partitions.map((p) => ({ ...p, records: p.records?.length ?? -1, currentLeader: undefined, divergingEpoch: undefined, snapshotId: undefined }))),
      };
    });
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('group APIs: the same answers for unknown groups and members', async () => {
    const results = await both(async (client) => {
      const coordinator = await settled(
        () => client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['cmp-group'] }),
        (r) => r.coordinators![0]!.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
      const join = await client.send(ApiKey.JoinGroup, 9, {
        groupId: 'cmp-group',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        reason: null,
      });
      const heartbeat = await client.send(ApiKey.Heartbeat, 4, { groupId: 'cmp-unknown', generationId: 1, memberId: 'm', groupInstanceId: null });
      const sync = await client.send(ApiKey.SyncGroup, 5, {
        groupId: 'cmp-unknown',
        generationId: 1,
        memberId: 'm',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [],
      });
      const leave = await client.send(ApiKey.LeaveGroup, 5, { groupId: 'cmp-unknown', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] });
      const offsets = await client.send(ApiKey.OffsetFetch, 9, {
        groups: [{ groupId: 'cmp-unknown', memberId: null, memberEpoch: -1, topics: [{ name: 'cmp-nowhere', partitionIndexes: [0, 1] }] }],
        requireStable: false,
      });
      const offsetsV7 = await client.send(ApiKey.OffsetFetch, 7, { groupId: 'cmp-unknown', topics: null, requireStable: false });
      const described = await client.send(ApiKey.DescribeGroups, 5, { groups: ['cmp-unknown'], includeAuthorizedOperations: false });
      const deleted = await client.send(ApiKey.DeleteGroups, 2, { groupsNames: ['cmp-unknown'] });
      const commit = await client.send(ApiKey.OffsetCommit, 9, {
        groupId: 'cmp-unknown',
        generationIdOrMemberEpoch: 3,
        memberId: 'm',
        groupInstanceId: null,
        topics: [{ name: 'cmp-nowhere', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      return {
        coordinator: coordinator.coordinators!.map((c) => ({ key: c.key, errorCode: c.errorCode })),
        join: { errorCode: join.errorCode, generationId: join.generationId, members: join.members, memberIdGiven: join.memberId.length > 0 },
        heartbeat: heartbeat.errorCode,
        sync: sync.errorCode,
        leave: { errorCode: leave.errorCode, members: leave.members },
        offsets: offsets.groups,
        offsetsV7: { errorCode: offsetsV7.errorCode, topics: offsetsV7.topics },
        described: described.groups.map((g) => ({ ...g, authorizedOperations: undefined })),
        deleted: deleted.results,
        commit: commit.topics,
      };
    });
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('DescribeConfigs: the same topic keys, values and sources', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-configs', 1, [{ name: 'retention.ms', value: '123456' }]);
      const response = await client.send(ApiKey.DescribeConfigs, 4, {
        resources: [
          { resourceType: 2, resourceName: 'cmp-configs', configurationKeys: null },
          { resourceType: 2, resourceName: 'cmp-nowhere', configurationKeys: null },
          { resourceType: 4, resourceName: '7', configurationKeys: null },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      return response.results.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        configs: r.configs
          // Kafka 4 bootstraps a cluster-level min.insync.replicas record (ELR), which broker-ts does not.
          .filter((c) => c.name !== 'min.insync.replicas')
          .map((c) => ({ name: c.name, value: c.value, configSource: c.configSource, readOnly: c.readOnly, configType: c.configType }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      }));
    });
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('DeleteTopics, CreatePartitions and DeleteRecords: the same errors', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-admin', 2);
      await createTopic(client, 'cmp-dup', 2);
      await produceStored(client, 'cmp-admin', [{ value: 'a' }]);
      const deleteTopics = await client.send(ApiKey.DeleteTopics, 6, {
        topics: [
          { name: 'cmp-nowhere', topicId: schema.ZERO_UUID },
          { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' },
        ],
        timeoutMs: 10_000,
      });
      const createPartitions = await client.send(ApiKey.CreatePartitions, 3, {
        topics: [
          { name: 'cmp-admin', count: 1, assignments: null },
          { name: 'cmp-nowhere', count: 3, assignments: null },
          { name: 'cmp-dup', count: 3, assignments: null },
          { name: 'cmp-dup', count: 4, assignments: null },
        ],
        timeoutMs: 10_000,
        validateOnly: true,
      });
      const deleteRecords = await client.send(ApiKey.DeleteRecords, 2, {
        topics: [
          { name: 'cmp-admin', partitions: [{ partitionIndex: 0, offset: 5n }, { partitionIndex: 1, offset: 0n }, { partitionIndex: 9, offset: 0n }] },
        ],
        timeoutMs: 10_000,
      });
      const deleteTopicsV5 = await client.send(ApiKey.DeleteTopics, 5, { topicNames: ['cmp-nowhere', 'cmp-nowhere2', 'cmp-nowhere'], timeoutMs: 10_000 });
      // Kafka orders these answers by hash; the order carries no meaning.
      const byName = <T extends { name?: string | null }>(a: T, b: T) => String(a.name).localeCompare(String(b.name));
      return {
        deleteTopics: deleteTopics.responses.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage })).sort(byName),
        deleteTopicsV5: deleteTopicsV5.responses.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage })).sort(byName),
        createPartitions: createPartitions.results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage })).sort(byName),
        deleteRecords: deleteRecords.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, p.lowWatermark]).sort((a, b) => Number(a[0]) - Number(b[0])),
      };
    });
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('InitProducerId hands an idempotent producer an id with epoch 0', async () => {
    const results = await both((client) =>
      settled(
        () => client.send(ApiKey.InitProducerId, 5, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }),
        (r) => r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || r.errorCode === ErrorCode.NOT_COORDINATOR,
      ).then((r) => ({ errorCode: r.errorCode, producerEpoch: r.producerEpoch, hasId: r.producerId >= 0n })),
    );
    expect(results.brokerTs).toEqual(results.kafka);
  });

  it('acks=0 Produce gets no response from either', async () => {
    const results = await both(async (client) => {
      await createTopic(client, 'cmp-acks0');
      const unexpected: number[] = [];
      const listener = (id: number) => unexpected.push(id);
      client.on('unexpected-response', listener);
      const frame = encodeRequest(
        { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: 123_456, clientId: 'cmp' },
        { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'cmp-acks0', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'x' }]) }] }] },
      );
      await client.writeBytes(frame);
      // A request sent after it is answered, so anything the broker had to say about the first has arrived.
      await client.send(ApiKey.ApiVersions, 2, {});
      client.off('unexpected-response', listener);
      return unexpected;
    });
    expect(results).toEqual({ kafka: [], brokerTs: [] });
  });
});
