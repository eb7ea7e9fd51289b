import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker({
    properties: { 'transaction.state.log.replication.factor': '1', 'transaction.state.log.min.isr': '1', 'transaction.state.log.num.partitions': '1' },
  });
  const client = await node.client();
  await createTopic(client, 'dr', 1);
  for (let i = 0; i < 4; i++) await produce(client, 'dr', 0, values(5));
  await createTopic(client, 'dr-compact', 1, { 'cleanup.policy': 'compact' });
  await createTopic(client, 'dr-both', 1, { 'cleanup.policy': 'compact,delete' });
  for (const topic of ['dr-compact', 'dr-both']) await produce(client, topic, 0, values(3));
  // The internal topics, created by asking for their coordinators.
  for (const keyType of [0, 1]) {
    while ((await client.send(ApiKey.FindCoordinator, 3, { key: 'dr', keyType })).errorCode !== ErrorCode.NONE) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});

afterAll(async () => {
  await node.stop();
});

describe('DeleteRecords', () => {
  it('moves the log start offset, which ListOffsets and Fetch then honour', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.DeleteRecords, 2, {
      topics: [
        {
          name: 'dr',
          partitions: [
            { partitionIndex: 0, offset: 7n },
            { partitionIndex: 3, offset: 1n },
          ],
        },
      ],
      timeoutMs: 5000,
    });
    expect(response.topics[0]!.partitions.map((p) => [p.partitionIndex, p.lowWatermark, p.errorCode])).toEqual([
      [0, 7n, 0],
      [3, -1n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    const earliest = await client.send(ApiKey.ListOffsets, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }],
    });
    expect(earliest.topics[0]!.partitions[0]!.offset).toBe(7n);
    const tooFar = await client.send(ApiKey.DeleteRecords, 2, { topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, offset: 99n }] }], timeoutMs: 5000 });
    expect(tooFar.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const toHighWatermark = await client.send(ApiKey.DeleteRecords, 2, {
      topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, offset: -1n }] }],
      timeoutMs: 5000,
    });
    expect(toHighWatermark.topics[0]!.partitions[0]!.lowWatermark).toBe(20n);
  });

  it('refuses internal topics with INVALID_TOPIC_EXCEPTION, as Kafka does', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.DeleteRecords, 2, {
      topics: [
        { name: '__consumer_offsets', partitions: [{ partitionIndex: 0, offset: -1n }] },
        { name: '__transaction_state', partitions: [{ partitionIndex: 0, offset: -1n }] },
      ],
      timeoutMs: 5000,
    });
    expect(response.topics.map((t) => [t.name, t.partitions[0]!.lowWatermark, t.partitions[0]!.errorCode])).toEqual([
      ['__consumer_offsets', -1n, ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['__transaction_state', -1n, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ]);
  });

  it('refuses compacted topics whose cleanup.policy lacks delete with POLICY_VIOLATION, and the offset is not looked at', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.DeleteRecords, 2, {
      topics: [
        { name: 'dr-compact', partitions: [{ partitionIndex: 0, offset: 99n }] },
        { name: 'dr-both', partitions: [{ partitionIndex: 0, offset: 2n }] },
      ],
      timeoutMs: 5000,
    });
    expect(response.topics.map((t) => [t.name, t.partitions[0]!.lowWatermark, t.partitions[0]!.errorCode])).toEqual([
      ['dr-compact', -1n, ErrorCode.POLICY_VIOLATION],
      ['dr-both', 2n, ErrorCode.NONE],
    ]);
  });
});
