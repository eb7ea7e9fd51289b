// broker-ts against an independent implementation: requests encoded by kafkajs 2.2.4 (the client
// the harness drives) are decoded by broker-ts, and responses encoded by broker-ts are decoded by
// kafkajs. kafkajs only speaks non-flexible versions; these are the versions it picks.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ApiKey } from './api-keys.js';
import { decodeRequest } from './request-codec.js';
import { encodeResponse } from './response-codec.js';
import { decodeRecordBatches } from './records/decode-batch.js';
import { encodeRecordBatch } from './records/encode-batch.js';
import { Compression } from './record-batch.js';
import type { DecodedRequest } from './request-codec.js';
import type { RequestBody, SupportedApiKey } from './registry.js';

const require = createRequire(import.meta.url);

interface KafkajsRequest {
  request: { apiKey: number; apiVersion: number; encode: () => Promise<unknown> };
  response: { decode: (payload: Buffer) => Promise<Record<string, unknown>> };
}
type KafkajsProtocol = (args: Record<string, unknown>) => KafkajsRequest;

const { requests } = require('kafkajs/src/protocol/requests') as {
  requests: Record<string, { protocol: (options: { version: number }) => KafkajsProtocol }>;
};
const encodeKafkajsRequest = require('kafkajs/src/protocol/request') as (options: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest['request'];
}) => Promise<{ buffer: Buffer }>;

function kafkajs(name: string, version: number, args: Record<string, unknown> = {}): KafkajsRequest {
  const protocol = requests[name];
  if (protocol === undefined) throw new Error(`kafkajs has no ${name}`);
  return protocol.protocol({ version })(args);
}

/** Encodes with kafkajs (size prefix and header v1 included) and decodes with broker-ts. */
async function viaKafkajs(name: string, version: number, args: Record<string, unknown> = {}): Promise<DecodedRequest> {
  const { request } = kafkajs(name, version, args);
  const { buffer } = await encodeKafkajsRequest({ correlationId: 9, clientId: 'kafkajs', request });
  expect(buffer.readInt32BE(0)).toBe(buffer.length - 4);
  const decoded = decodeRequest(buffer.subarray(4));
  expect(decoded.header).toEqual({ apiKey: request.apiKey, apiVersion: version, correlationId: 9, clientId: 'kafkajs' });
  return decoded;
}

/** kafkajs reads the body after the correlation id (these are all header v0 responses). */
function kafkajsDecode(name: string, version: number, frame: Buffer): Promise<Record<string, unknown>> {
  return kafkajs(name, version, { topics: [], topicData: [] }).response.decode(frame.subarray(8));
}

function bodyOf<K extends SupportedApiKey>(request: DecodedRequest, apiKey: K): RequestBody<K> {
  expect(request.apiKey).toBe(apiKey);
  return request.body as RequestBody<K>;
}

describe('requests encoded by kafkajs', () => {
  it.each([0, 1, 2])('ApiVersions v%d', async (version) => {
    expect((await viaKafkajs('ApiVersions', version)).body).toEqual({});
  });

  it.each([0, 1, 2, 3, 4, 5, 6])('Metadata v%d', async (version) => {
    const body = bodyOf(await viaKafkajs('Metadata', version, { topics: ['a', 'b'], allowAutoTopicCreation: false }), ApiKey.Metadata);
    expect(body.topics).toEqual([{ name: 'a' }, { name: 'b' }]);
    if (version >= 4) expect(body.allowAutoTopicCreation).toBe(false);
  });

  it.each([
    [3, 0],
    [5, 0],
    [7, 0],
    [7, 1], // gzip
  ])('Produce v%d (compression %d) with record batches broker-ts can read', async (version, compression) => {
    const body = bodyOf(
      await viaKafkajs('Produce', version, {
        acks: -1,
        timeout: 30000,
        compression,
        topicData: [
          {
            topic: 'orders',
            partitions: [
              {
                partition: 2,
                firstSequence: 0,
                messages: [
                  { key: 'k1', value: 'v1', headers: { trace: 'abc' }, timestamp: 1_700_000_000_000 },
                  { key: null, value: 'v2', timestamp: 1_700_000_000_005 },
                ],
              },
            ],
          },
        ],
      }),
      ApiKey.Produce,
    );
    expect(body).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000 });
    const partition = body.topicData[0]!.partitionData[0]!;
    expect(body.topicData[0]!.name).toBe('orders');
    expect(partition.index).toBe(2);
    const [batch] = decodeRecordBatches(partition.records!);
    expect(batch!.header.attributes & 0x07).toBe(compression);
    expect(batch!.records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.timestamp])).toEqual([
      ['k1', 'v1', 1_700_000_000_000n],
      [null, 'v2', 1_700_000_000_005n],
    ]);
    expect(batch!.records[0]!.headers).toEqual([{ key: 'trace', value: Buffer.from('abc') }]);
  });

  it.each([4, 7, 11])('Fetch v%d', async (version) => {
    const body = bodyOf(
      await viaKafkajs('Fetch', version, {
        replicaId: -1,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 1024,
        isolationLevel: 1,
        rackId: 'r1',
        topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 512 }] }],
      }),
      ApiKey.Fetch,
    );
    expect(body).toMatchObject({ replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1024, isolationLevel: 1 });
    expect(body.topics).toMatchObject([{ topic: 't', partitions: [{ partition: 0, fetchOffset: 42n, partitionMaxBytes: 512 }] }]);
    if (version >= 11) expect(body.rackId).toBe('r1');
  });

  it.each([0, 2, 5])('JoinGroup v%d', async (version) => {
    const body = bodyOf(
      await viaKafkajs('JoinGroup', version, {
        groupId: 'g',
        sessionTimeout: 30000,
        rebalanceTimeout: 60000,
        memberId: '',
        protocolType: 'consumer',
        groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1]) }],
      }),
      ApiKey.JoinGroup,
    );
    expect(body).toMatchObject({ groupId: 'g', sessionTimeoutMs: 30000, memberId: '', protocolType: 'consumer' });
    expect(body.protocols).toEqual([{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1]) }]);
    if (version >= 1) expect(body.rebalanceTimeoutMs).toBe(60000);
  });

  it.each([0, 3])('SyncGroup v%d', async (version) => {
    const body = bodyOf(
      await viaKafkajs('SyncGroup', version, {
        groupId: 'g',
        generationId: 4,
        memberId: 'm',
        groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from('plan') }],
      }),
      ApiKey.SyncGroup,
    );
    expect(body).toMatchObject({ groupId: 'g', generationId: 4, memberId: 'm' });
    expect(body.assignments).toEqual([{ memberId: 'm', assignment: Buffer.from('plan') }]);
  });

  it.each([2, 5])('OffsetCommit v%d', async (version) => {
    const body = bodyOf(
      await viaKafkajs('OffsetCommit', version, {
        groupId: 'g',
        groupGenerationId: 3,
        memberId: 'm',
        retentionTime: -1,
        topics: [{ topic: 't', partitions: [{ partition: 1, offset: '99' }] }],
      }),
      ApiKey.OffsetCommit,
    );
    expect(body).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 3, memberId: 'm' });
    expect(body.topics).toEqual([{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 99n, committedMetadata: null }] }]);
  });

  it.each([1, 4])('OffsetFetch v%d', async (version) => {
    const body = bodyOf(
      await viaKafkajs('OffsetFetch', version, { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }] }] }),
      ApiKey.OffsetFetch,
    );
    expect(body).toEqual({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] });
  });

  it.each([0, 1, 2])('FindCoordinator v%d', async (version) => {
    const body = bodyOf(await viaKafkajs('GroupCoordinator', version, { groupId: 'g', coordinatorType: 1 }), ApiKey.FindCoordinator);
    expect(body).toEqual(version === 0 ? { key: 'g' } : { key: 'g', keyType: 1 });
  });

  it('ListOffsets v3', async () => {
    const body = bodyOf(
      await viaKafkajs('ListOffsets', 3, {
        replicaId: -1,
        isolationLevel: 1,
        topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }],
      }),
      ApiKey.ListOffsets,
    );
    expect(body).toEqual({ replicaId: -1, isolationLevel: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
  });

  it('CreateTopics v3', async () => {
    const body = bodyOf(
      await viaKafkajs('CreateTopics', 3, {
        topics: [{ topic: 't', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
        validateOnly: false,
        timeout: 5000,
      }),
      ApiKey.CreateTopics,
    );
    expect(body).toEqual({
      topics: [{ name: 't', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
  });

  it('InitProducerId v1', async () => {
    const body = bodyOf(await viaKafkajs('InitProducerId', 1, { transactionalId: 'tx', transactionTimeout: 60000 }), ApiKey.InitProducerId);
    expect(body).toEqual({ transactionalId: 'tx', transactionTimeoutMs: 60000 });
  });

  it('Heartbeat v3 and LeaveGroup v3', async () => {
    expect(bodyOf(await viaKafkajs('Heartbeat', 3, { groupId: 'g', groupGenerationId: 2, memberId: 'm', groupInstanceId: null }), ApiKey.Heartbeat)).toEqual({
      groupId: 'g',
      generationId: 2,
      memberId: 'm',
      groupInstanceId: null,
    });
    expect(bodyOf(await viaKafkajs('LeaveGroup', 3, { groupId: 'g', memberId: 'm' }), ApiKey.LeaveGroup)).toEqual({
      groupId: 'g',
      members: [{ memberId: 'm', groupInstanceId: null }],
    });
  });
});

describe('responses decoded by kafkajs', () => {
  it.each([0, 1, 2])('ApiVersions v%d', async (version) => {
    const frame = encodeResponse({ correlationId: 1 }, ApiKey.ApiVersions, version, {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }],
      throttleTimeMs: 0,
    });
    const decoded = await kafkajsDecode('ApiVersions', version, frame);
    expect(decoded).toMatchObject({ errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }] });
  });

  it.each([1, 6])('Metadata v%d', async (version) => {
    const frame = encodeResponse({ correlationId: 1 }, ApiKey.Metadata, version, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'r' }],
      clusterId: 'cluster',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        },
      ],
    });
    const decoded = await kafkajsDecode('Metadata', version, frame);
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'r' }],
      controllerId: 1,
      topicMetadata: [{ topicErrorCode: 0, topic: 'orders', partitionMetadata: [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }] }],
    });
  });

  it.each([3, 5, 7])('Produce v%d', async (version) => {
    const frame = encodeResponse({ correlationId: 1 }, ApiKey.Produce, version, {
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 41n, logAppendTimeMs: -1n, logStartOffset: 0n }] }],
      throttleTimeMs: 0,
    });
    const decoded = await kafkajsDecode('Produce', version, frame);
    expect(decoded).toMatchObject({ topics: [{ topicName: 't', partitions: [{ partition: 0, errorCode: 0, baseOffset: '41' }] }] });
  });

  it.each([
    [4, Compression.None],
    [11, Compression.None],
    [11, Compression.Gzip],
  ])('Fetch v%d with batches from encodeRecordBatch (compression %d)', async (version, compression) => {
    const records = Buffer.concat([
      encodeRecordBatch(
        [
          { key: 'a', value: '1', timestamp: 1000n, headers: [{ key: 'h', value: 'x' }] },
          { key: 'b', value: null, timestamp: 1001n },
        ],
        { baseOffset: 10n, compression },
      ),
      encodeRecordBatch([{ key: 'c', value: '3', timestamp: 1002n }], { baseOffset: 12n }),
    ]);
    const frame = encodeResponse({ correlationId: 1 }, ApiKey.Fetch, version, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 13n,
              lastStableOffset: 13n,
              logStartOffset: 0n,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records,
            },
          ],
        },
      ],
    });
    const decoded = (await kafkajsDecode('Fetch', version, frame)) as {
      responses: { partitions: { messages: { offset: string; key: Buffer; value: Buffer | null; headers: Record<string, Buffer> }[] }[] }[];
    };
    const messages = decoded.responses[0]!.partitions[0]!.messages;
    expect(messages.map((m) => [m.offset, m.key.toString(), m.value?.toString() ?? null])).toEqual([
      ['10', 'a', '1'],
      ['11', 'b', null],
      ['12', 'c', '3'],
    ]);
    expect(messages[0]!.headers.h!.toString()).toBe('x');
  });

  it('JoinGroup v5 and SyncGroup v3', async () => {
    const join = encodeResponse({ correlationId: 1 }, ApiKey.JoinGroup, 5, {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 3,
      protocolName: 'RoundRobinAssigner',
      leader: 'm1',
      memberId: 'm1',
      members: [{ memberId: 'm1', groupInstanceId: null, metadata: Buffer.from([1, 2]) }],
    });
    expect(await kafkajsDecode('JoinGroup', 5, join)).toMatchObject({
      errorCode: 0,
      generationId: 3,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'm1',
      memberId: 'm1',
      members: [{ memberId: 'm1', memberMetadata: Buffer.from([1, 2]) }],
    });
    const sync = encodeResponse({ correlationId: 1 }, ApiKey.SyncGroup, 3, {
      throttleTimeMs: 0,
      errorCode: 0,
      assignment: Buffer.from('plan'),
    });
    expect(await kafkajsDecode('SyncGroup', 3, sync)).toMatchObject({ errorCode: 0, memberAssignment: Buffer.from('plan') });
  });

  it('FindCoordinator v2 and InitProducerId v1', async () => {
    const coordinator = encodeResponse({ correlationId: 1 }, ApiKey.FindCoordinator, 2, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      nodeId: 2,
      host: 'h',
      port: 9093,
    });
    expect(await kafkajsDecode('GroupCoordinator', 2, coordinator)).toMatchObject({
      errorCode: 0,
      coordinator: { nodeId: 2, host: 'h', port: 9093 },
    });
    const producer = encodeResponse({ correlationId: 1 }, ApiKey.InitProducerId, 1, {
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 4000n,
      producerEpoch: 2,
    });
    expect(await kafkajsDecode('InitProducerId', 1, producer)).toMatchObject({ errorCode: 0, producerId: '4000', producerEpoch: 2 });
  });
});
