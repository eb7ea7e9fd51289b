// kafkajs consumers and consumer groups against broker-ts running as a real process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { BrokerProcess } from '../testing/broker-process.js';
import { eventually, kafkaClient } from '../testing/kafkajs.js';

let node: BrokerProcess;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  node = await BrokerProcess.start();
  kafka = kafkaClient(node.bootstrap);
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await node?.destroy();
});

async function produceNumbered(topic: string, partitions: number, perPartition: number, timestamp?: (i: number) => number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < partitions; p++) {
    await producer.send({
      topic,
      messages: Array.from({ length: perPartition }, (_, i) => ({
        partition: p,
        value: `${p}:${i}`,
        ...(timestamp === undefined ? {} : { timestamp: String(timestamp(i)) }),
      })),
    });
  }
  await producer.disconnect();
}

function groupConsumer(groupId: string): Consumer {
  return kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 200 });
}

describe('kafkajs consumer groups', () => {
  it('shares partitions among members and rebalances as members join and leave', async () => {
    await admin.createTopics({ topics: [{ topic: 'shared', numPartitions: 6 }], waitForLeaders: true });
    await produceNumbered('shared', 6, 5);
    const consumers = [groupConsumer('sharing'), groupConsumer('sharing'), groupConsumer('sharing')];
    const assignments = new Map<Consumer, number[]>();
    const seen = new Set<string>();
    const run = async (consumer: Consumer) => {
      consumer.on(consumer.events.GROUP_JOIN, (event) => assignments.set(consumer, event.payload.memberAssignment.shared ?? []));
      await consumer.connect();
      await consumer.subscribe({ topic: 'shared', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
    };
    try {
      await run(consumers[0]!);
      await eventually(
        () => assignments.get(consumers[0]!)?.length ?? 0,
        (n) => n === 6,
      );
      await run(consumers[1]!);
      await run(consumers[2]!);
      // Once all three are in, each holds two partitions.
      const spread = await eventually(
        () => consumers.map((c) => assignments.get(c)?.length ?? 0),
        (counts) => counts.every((n) => n === 2),
      );
      expect(spread).toEqual([2, 2, 2]);
      const all = new Set(consumers.flatMap((c) => assignments.get(c)!));
      expect(all.size).toBe(6);
      await eventually(
        () => seen.size,
        (n) => n === 30,
      );

      // One leaves: the two others take over its partitions.
      await consumers[2]!.disconnect();
      const after = await eventually(
        () => consumers.slice(0, 2).map((c) => assignments.get(c)?.length ?? 0),
        (counts) => counts[0]! + counts[1]! === 6 && counts.every((n) => n === 3),
      );
      expect(after).toEqual([3, 3]);
      const group = await admin.describeGroups(['sharing']);
      expect(group.groups[0]).toMatchObject({ state: 'Stable', protocolType: 'consumer' });
      expect(group.groups[0]!.members).toHaveLength(2);
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect()));
    }
  });

  it('commits offsets that a restarted consumer and the admin client read back', async () => {
    await admin.createTopics({ topics: [{ topic: 'committed', numPartitions: 1 }], waitForLeaders: true });
    await produceNumbered('committed', 1, 10);
    const first = groupConsumer('committing');
    let count = 0;
    await first.connect();
    await first.subscribe({ topic: 'committed', fromBeginning: true });
    await first.run({
      autoCommit: false,
      eachMessage: async ({ message, topic, partition }) => {
        count++;
        if (message.offset === '5') await first.commitOffsets([{ topic, partition, offset: '6' }]);
      },
    });
    await eventually(
      () => count,
      (n) => n === 10,
    );
    await first.disconnect();
    expect(await admin.fetchOffsets({ groupId: 'committing', topics: ['committed'] })).toEqual([
      { topic: 'committed', partitions: [{ partition: 0, offset: '6', metadata: null }] },
    ]);

    const second = groupConsumer('committing');
    const values: string[] = [];
    await second.connect();
    await second.subscribe({ topic: 'committed', fromBeginning: true });
    await second.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await eventually(
      () => values.length,
      (n) => n === 4,
    );
    await second.disconnect();
    expect(values).toEqual(['0:6', '0:7', '0:8', '0:9']);

    await admin.setOffsets({ groupId: 'committing', topic: 'committed', partitions: [{ partition: 0, offset: '2' }] });
    expect((await admin.fetchOffsets({ groupId: 'committing', topics: ['committed'] }))[0]!.partitions[0]!.offset).toBe('2');
    const groups = await admin.listGroups();
    expect(groups.groups).toContainEqual({ groupId: 'committing', protocolType: 'consumer' });
    await admin.deleteGroups(['committing']);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('committing');
  });

  it('seeks, pauses and resumes', async () => {
    await admin.createTopics({ topics: [{ topic: 'seeking', numPartitions: 1 }], waitForLeaders: true });
    await produceNumbered('seeking', 1, 20);
    const consumer = groupConsumer('seeker');
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'seeking', fromBeginning: true });
    let paused = false;
    await consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        values.push(message.value!.toString());
        if (message.offset === '4' && !paused) {
          paused = true;
          consumer.pause([{ topic: 'seeking' }]);
          setTimeout(() => {
            consumer.seek({ topic: 'seeking', partition: 0, offset: '15' });
            consumer.resume([{ topic: 'seeking' }]);
          }, 300);
        }
      },
    });
    await eventually(
      () => values.at(-1),
      (last) => last === '0:19',
    );
    await consumer.disconnect();
    expect(values.slice(0, 5)).toEqual(['0:0', '0:1', '0:2', '0:3', '0:4']);
    expect(values.slice(-5)).toEqual(['0:15', '0:16', '0:17', '0:18', '0:19']);
  });

  it('finds offsets by timestamp, earliest and latest', async () => {
    await admin.createTopics({ topics: [{ topic: 'timed', numPartitions: 1 }], waitForLeaders: true });
    const base = Date.now() - 100_000;
    await produceNumbered('timed', 1, 10, (i) => base + i * 1000);
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', base + 3500)).toEqual([{ partition: 0, offset: '4' }]);
    expect(await admin.fetchTopicOffsets('timed')).toEqual([{ partition: 0, offset: '10', high: '10', low: '0' }]);
    await admin.deleteTopicRecords({ topic: 'timed', partitions: [{ partition: 0, offset: '3' }] });
    expect((await admin.fetchTopicOffsets('timed'))[0]!.low).toBe('3');
  });
});
