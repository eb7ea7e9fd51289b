import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, WireClient, encodeRecordBatch, encodeRequest } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({ properties: { 'socket.request.max.bytes': '65536' } });
  const client = await node.client();
  await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name: 'conn', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
});

afterAll(async () => {
  await node.stop();
});

function produceBody(acks: number, value: string) {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: 'conn', partitionData: [{ index: 0, records: encodeRecordBatch([{ value }]) }] }],
  };
}

describe('connections', () => {
  it('answers pipelined requests in order, and acks=0 produce not at all', async () => {
    const client = await node.client();
    const unexpected: number[] = [];
    client.on('unexpected-response', (id) => unexpected.push(id));
    const oneWay = client.sendOneWay(ApiKey.Produce, 9, produceBody(0, 'fire-and-forget'));
    const answers = await Promise.all([
      client.send(ApiKey.Produce, 9, produceBody(1, 'a')),
      client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
      client.send(ApiKey.Produce, 9, produceBody(-1, 'b')),
    ]);
    await oneWay;
    const [first, , second] = answers;
    expect(first.responses[0]!.partitionResponses[0]!.baseOffset).toBe(1n);
    expect(second.responses[0]!.partitionResponses[0]!.baseOffset).toBe(2n);
    expect(unexpected).toEqual([]);
  });

  it('closes only the connection that sent a malformed request; others keep working', async () => {
    const bad = await WireClient.connect({ host: node.host, port: node.port });
    const good = await node.client();
    // A Metadata v12 header followed by garbage where the topic array should be.
    const frame = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 12, correlationId: 1, clientId: 'x' }, { topics: null });
    const corrupted = Buffer.concat([frame.subarray(0, frame.length - 4), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])]);
    corrupted.writeInt32BE(corrupted.length - 4, 0);
    const closed = new Promise((resolve) => bad.once('close', resolve));
    await bad.writeBytes(corrupted);
    await closed;
    expect(bad.closed).toBe(true);
    expect((await good.send(ApiKey.Metadata, 1, { topics: [] })).brokers).toHaveLength(1);
  });

  it('closes a connection announcing a frame over socket.request.max.bytes', async () => {
    const client = await WireClient.connect({ host: node.host, port: node.port });
    const closed = new Promise((resolve) => client.once('close', resolve));
    const size = Buffer.alloc(4);
    size.writeInt32BE(65537, 0);
    await client.writeBytes(size);
    await closed;
    expect(client.closed).toBe(true);
    const other = await node.client();
    expect((await other.send(ApiKey.ApiVersions, 2, {})).errorCode).toBe(0);
  });

  it('closes the connection when an acks=0 produce fails, since no response can tell', async () => {
    const client = await WireClient.connect({ host: node.host, port: node.port });
    const closed = new Promise((resolve) => client.once('close', resolve));
    await client.sendOneWay(ApiKey.Produce, 9, {
      ...produceBody(0, 'x'),
      topicData: [{ name: 'no-such-topic', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'x' }]) }] }],
    });
    await closed;
  });
});
