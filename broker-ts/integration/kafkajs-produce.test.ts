// Producing with kafkajs to broker-ts running as a real process: acks, keys, headers, null values,
// compression, message size limits and the idempotent producer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { ApiKey, WireClient, decodeResponse, peekCorrelationId } from '@kafka-chaos/protocol';
import { BrokerProcess } from '../testing/broker-process.js';
import { kafkaClient } from '../testing/kafkajs.js';
import { recordingSocketFactory } from '../testing/recording-socket-factory.js';

const MESSAGE_MAX_BYTES = 200_000;
let node: BrokerProcess;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  node = await BrokerProcess.start({ properties: { 'message.max.bytes': String(MESSAGE_MAX_BYTES) } });
  kafka = kafkaClient(node.bootstrap);
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'prod', numPartitions: 1 },
      { topic: 'idem', numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
});

afterAll(async () => {
  await admin?.disconnect();
  await node?.destroy();
});

/** Every message of a partition, read back with a consumer from the beginning. */
async function readAll(topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: { offset: string; key: string | null; value: string | null; headers: Record<string, string>; size: number }[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        messages.push({
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          size: message.value?.length ?? 0,
        });
        if (messages.length >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

describe('kafkajs producer', () => {
  it('produces with acks 0, 1 and all, with keys, headers and null values, and gzip', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'prod', acks: 0, messages: [{ key: 'k0', value: 'fire-and-forget' }] });
    const one = await producer.send({ topic: 'prod', acks: 1, messages: [{ key: 'k1', value: 'one', headers: { trace: 'abc' } }] });
    const all = await producer.send({ topic: 'prod', acks: -1, messages: [{ key: 'k2', value: null }] });
    const gzip = await producer.send({ topic: 'prod', acks: -1, compression: CompressionTypes.GZIP, messages: [{ value: 'zipped-1' }, { value: 'zipped-2' }] });
    await producer.disconnect();
    expect([one[0]!.baseOffset, all[0]!.baseOffset, gzip[0]!.baseOffset]).toEqual(['1', '2', '3']);
    const messages = await readAll('prod', 5);
    expect(messages.map(({ offset, key, value, headers }) => ({ offset, key, value, headers }))).toEqual([
      { offset: '0', key: 'k0', value: 'fire-and-forget', headers: {} },
      { offset: '1', key: 'k1', value: 'one', headers: { trace: 'abc' } },
      { offset: '2', key: 'k2', value: null, headers: {} },
      { offset: '3', key: null, value: 'zipped-1', headers: {} },
      { offset: '4', key: null, value: 'zipped-2', headers: {} },
    ]);
  });

  it('takes a message just under message.max.bytes and refuses one over it with MESSAGE_TOO_LARGE', async () => {
    await admin.createTopics({ topics: [{ topic: 'big' }], waitForLeaders: true });
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    // A batch holds the record plus about 80 bytes of headers.
    const fits = await producer.send({ topic: 'big', messages: [{ value: Buffer.alloc(MESSAGE_MAX_BYTES - 200, 1) }] });
    expect(fits[0]!.errorCode).toBe(0);
    await expect(producer.send({ topic: 'big', messages: [{ value: Buffer.alloc(MESSAGE_MAX_BYTES + 10, 1) }] })).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    });
    await producer.disconnect();
    const [message] = await readAll('big', 1);
    expect(message!.size).toBe(MESSAGE_MAX_BYTES - 200);
  });

  it('answers a batch the idempotent producer sends again with its original offset', async () => {
    const recording = recordingSocketFactory();
    const producer = kafkaClient(node.bootstrap, { socketFactory: recording.socketFactory }).producer({ idempotent: true, maxInFlightRequests: 1 });
    const direct = kafka.producer();
    try {
      await direct.connect();
      await direct.send({ topic: 'idem', messages: [{ value: 'before' }] });
      await producer.connect();
      const sent = await producer.send({ topic: 'idem', acks: -1, messages: [{ value: 'once' }, { value: 'twice?' }] });
      await direct.send({ topic: 'idem', messages: [{ value: 'after' }] });
      // Replay kafkajs's produce request, byte for byte, as a retry after a lost response would send it.
      const recorded = recording.requestsOf(ApiKey.Produce);
      expect(recorded).toHaveLength(1);
      const frame = recorded.at(-1)!;
      const version = frame.readInt16BE(6);
      const client = await WireClient.connect({ host: '127.0.0.1', port: node.port });
      const response = await new Promise<Buffer>((resolve, reject) => {
        client.once('unexpected-response', (_id, bytes) => resolve(bytes));
        client.writeBytes(frame).catch(reject);
      });
      await client.close();
      expect(peekCorrelationId(response)).toBe(frame.readInt32BE(8));
      const replayed = decodeResponse(response, ApiKey.Produce, version).body.responses[0]!.partitionResponses[0]!;
      expect(replayed.errorCode).toBe(0);
      expect(String(replayed.baseOffset)).toBe(sent[0]!.baseOffset);
      const messages = await readAll('idem', 4);
      expect(messages.map((m) => m.value)).toEqual(['before', 'once', 'twice?', 'after']);
    } finally {
      await producer.disconnect();
      await direct.disconnect();
    }
  });
});
