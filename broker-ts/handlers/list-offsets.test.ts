import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker();
  const client = await node.client();
  await createTopic(client, 'times', 1);
  // Offsets 0-1 at t=1000/1100, 2-4 at t=3000/2000/5000, 5 at t=4000.
  await produce(client, 'times', 0, [
    { value: 'a', timestamp: 1000n },
    { value: 'b', timestamp: 1100n },
  ]);
  await produce(client, 'times', 0, [
    { value: 'c', timestamp: 3000n },
    { value: 'd', timestamp: 2000n },
    { value: 'e', timestamp: 5000n },
  ]);
  await produce(client, 'times', 0, [{ value: 'f', timestamp: 4000n }]);
});

afterAll(async () => {
  await node.stop();
});

async function listOffset(client: WireClient, timestamp: bigint, topic = 'times', partition = 0, version = 8) {
  const response = await client.send(ApiKey.ListOffsets, version, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }],
  });
  return response.topics[0]!.partitions[0]!;
}

describe('ListOffsets', () => {
  it('answers earliest, latest and max-timestamp', async () => {
    const client = await node.client();
    const epoch = node.broker.replicas.partition('times', 0)!.leaderEpoch;
    expect(await listOffset(client, -2n)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n, leaderEpoch: epoch });
    expect(await listOffset(client, -1n)).toMatchObject({ errorCode: 0, offset: 6n, timestamp: -1n, leaderEpoch: epoch });
    expect(await listOffset(client, -3n)).toMatchObject({ errorCode: 0, offset: 4n, timestamp: 5000n });
  });

  it('finds the first record at or after a timestamp, or answers -1', async () => {
    const client = await node.client();
    expect(await listOffset(client, 1050n)).toMatchObject({ offset: 1n, timestamp: 1100n });
    expect(await listOffset(client, 2500n)).toMatchObject({ offset: 2n, timestamp: 3000n });
    expect(await listOffset(client, 4500n)).toMatchObject({ offset: 4n, timestamp: 5000n });
    expect(await listOffset(client, 9000n)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it('answers errors per partition', async () => {
    const client = await node.client();
    expect((await listOffset(client, -1n, 'nope')).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await listOffset(client, -1n, 'times', 5)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const fenced = await client.send(ApiKey.ListOffsets, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'times', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 99, timestamp: -1n }] }],
    });
    expect(fenced.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
  });
});
