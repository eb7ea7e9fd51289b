// A client sending garbage loses its own connection; everyone else, kafkajs included, keeps going.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from '../testing/broker-process.js';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

const MAX_REQUEST_BYTES = 1_048_576;
let node: BrokerProcess;
let kafka: Kafka;

beforeAll(async () => {
  node = await BrokerProcess.start({ properties: { 'socket.request.max.bytes': String(MAX_REQUEST_BYTES) } });
  kafka = kafkaClient(node.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'steady' }], waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  await node?.destroy();
});

/** Writes raw bytes on a fresh connection and resolves once the broker closes it. */
function sendRaw(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: node.port }, () => socket.write(bytes));
    const timer = setTimeout(() => reject(new Error('the broker kept the connection open')), 5000);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

describe('bad frames', () => {
  it('closes the connection of a malformed or oversized frame while a kafkajs producer and consumer keep working', async () => {
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'steady-readers', maxWaitTimeInMs: 100 });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: 'steady', fromBeginning: true });
    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    try {
      await producer.send({ topic: 'steady', messages: [{ value: 'before' }] });
      // A Metadata v1 header with a topic array claiming more entries than the frame holds.
      const truncatedMetadata = Buffer.from('000300010000002a00017800000064', 'hex');
      await sendRaw(frame(truncatedMetadata));
      // Too short for a request header.
      await sendRaw(frame(Buffer.from([1, 2, 3])));
      // A negative frame size, and one over socket.request.max.bytes (closed before the body arrives).
      await sendRaw(Buffer.from('ffffffff', 'hex'));
      const oversized = Buffer.alloc(4);
      oversized.writeInt32BE(MAX_REQUEST_BYTES + 1, 0);
      await sendRaw(oversized);
      await producer.send({ topic: 'steady', messages: [{ value: 'after' }] });
      await eventually(
        () => received,
        (r) => r.includes('after'),
      );
      expect(received).toEqual(['before', 'after']);
      expect(node.log()).toMatch(/closing connection: frame of 1048577 bytes exceeds the limit of 1048576/);
      expect(node.log()).toMatch(/closing connection: malformed request/);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
