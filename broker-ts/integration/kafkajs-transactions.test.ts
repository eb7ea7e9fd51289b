// kafkajs transactions against broker-ts running as a real process: send in a transaction, commit,
// abort, sendOffsets, read_committed and read_uncommitted consumers, and a second producer with the
// same transactional id fencing the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { BrokerProcess } from '../testing/broker-process.js';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

let node: BrokerProcess;
let kafka: Kafka;
let admin: Admin;
const producers: Producer[] = [];

beforeAll(async () => {
  node = await BrokerProcess.start({
    properties: {
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '3',
    },
  });
  kafka = kafkaClient(node.bootstrap);
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  for (const producer of producers) await producer.disconnect().catch(() => undefined);
  await admin?.disconnect();
  await node?.destroy();
});

async function transactionalProducer(transactionalId: string): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  producers.push(producer);
  await producer.connect();
  return producer;
}

/** Everything a consumer with this isolation reads from the topic, once it has read `expected` values. */
async function readTopic(topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}-${Date.now()}`, readUncommitted, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await eventually(
      () => values.length,
      (n) => n >= expected,
      20_000,
    );
    return values;
  } finally {
    await consumer.disconnect();
  }
}

describe('kafkajs transactions', () => {
  it('shows read_committed consumers committed transactions only, and read_uncommitted ones everything', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-visibility', numPartitions: 1 }], waitForLeaders: true });
    const producer = await transactionalProducer('visibility');
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-visibility', messages: [0, 1, 2].map((i) => ({ value: `aborted-${i}` })) });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-visibility', messages: [0, 1, 2].map((i) => ({ value: `committed-${i}` })) });
    await committed.commit();

    const readCommitted = await readTopic('txn-visibility', false, 3);
    expect(readCommitted).toEqual(['committed-0', 'committed-1', 'committed-2']);
    const readUncommitted = await readTopic('txn-visibility', true, 6);
    expect(readUncommitted).toEqual(['aborted-0', 'aborted-1', 'aborted-2', 'committed-0', 'committed-1', 'committed-2']);
    // Two markers follow the six records; read_committed latest is past them once they are replicated.
    const offsets = await admin.fetchTopicOffsets('txn-visibility');
    expect(offsets[0]!.high).toBe('8');
  });

  it('commits consumer offsets sent in a transaction only when it commits', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-offsets', numPartitions: 1 }], waitForLeaders: true });
    const groupId = 'txn-offsets-group';
    const committedOffset = async () => (await admin.fetchOffsets({ groupId, topics: ['txn-offsets'] }))[0]!.partitions[0]!.offset;
    const producer = await transactionalProducer('offsets');

    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-offsets', messages: [{ value: 'x' }] });
    await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'txn-offsets', partitions: [{ partition: 0, offset: '7' }] }] });
    await aborted.abort();
    expect(await committedOffset()).toBe('-1');

    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-offsets', messages: [{ value: 'y' }] });
    await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'txn-offsets', partitions: [{ partition: 0, offset: '11' }] }] });
    // Not visible while the transaction is open.
    expect(await committedOffset()).toBe('-1');
    await committed.commit();
    await eventually(committedOffset, (offset) => offset === '11');
  });

  it('fences the first producer when a second one initializes the same transactional id', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-fencing', numPartitions: 1 }], waitForLeaders: true });
    const zombie = await transactionalProducer('fenced-id');
    const zombieTxn = await zombie.transaction();
    await zombieTxn.send({ topic: 'txn-fencing', messages: [{ value: 'zombie-open' }] });

    // kafkajs sends the transactional InitProducerId when the first transaction begins: the
    // newcomer's aborts the zombie's open transaction and bumps the epoch.
    const successor = await transactionalProducer('fenced-id');
    const txn = await successor.transaction();
    await expect(zombieTxn.commit()).rejects.toThrow(/epoch|fenced/i);

    await txn.send({ topic: 'txn-fencing', messages: [{ value: 'successor' }] });
    await txn.commit();
    expect(await readTopic('txn-fencing', false, 1)).toEqual(['successor']);
    const everything = await readTopic('txn-fencing', true, 2);
    expect(everything).toEqual(['zombie-open', 'successor']);
  });
});
