import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker();
  const client = await node.client();
  await createTopic(client, 'epochs', 1);
  await produce(client, 'epochs', 0, values(3));
});

afterAll(async () => {
  await node.stop();
});

describe('OffsetForLeaderEpoch', () => {
  it('gives the end offset of the current epoch, and fences stale epochs', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [
        {
          topic: 'epochs',
          partitions: [
            { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
            { partition: 0, currentLeaderEpoch: 5, leaderEpoch: 0 },
            { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 },
          ],
        },
      ],
    });
    expect(response.topics[0]!.partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset])).toEqual([
      [0, 0, 3n],
      [ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n],
    ]);
  });
});
