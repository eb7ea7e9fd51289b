// CreatePartitions with explicit assignments. The node is alone, so a second, unfenced broker is
// registered with its controller (no process behind it: no partition is placed on it here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker();
  const client = await node.client();
  await createTopic(client, 'cp', 1);
  await createTopic(client, 'cp-same', 1);
  const brokerEpoch = await node.broker.controller.registerBroker({
    brokerId: 2,
    incarnationId: 'Xq4c5oYtQ6uJdR6y2a1x3w',
    listeners: [],
    rack: null,
    previousBrokerEpoch: -1n,
  });
  const heartbeat = await node.broker.controller.heartbeat({
    brokerId: 2,
    brokerEpoch,
    currentMetadataOffset: brokerEpoch,
    wantFence: false,
    wantShutDown: false,
  });
  expect(heartbeat.isFenced).toBe(false);
});

afterAll(async () => {
  await node.stop();
});

describe('CreatePartitions', () => {
  it("refuses an assignment whose replica count is not the topic's, with Kafka's message, and takes one that is", async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.CreatePartitions, 3, {
      topics: [
        { name: 'cp', count: 2, assignments: [{ brokerIds: [1, 2] }] },
        { name: 'cp-same', count: 2, assignments: [{ brokerIds: [1] }] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(response.results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      [
        'cp',
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'The manual partition assignment includes a partition with 2 replica(s), but this is not consistent with previous partitions, which have 1 replica(s).',
      ],
      ['cp-same', ErrorCode.NONE, null],
    ]);
    expect(node.broker.image.topic('cp')!.partitions.size).toBe(1);
    expect(node.broker.image.topic('cp-same')!.partitions.get(1)!.replicas).toEqual([1]);
  });
});
