import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker();
  const client = await node.client();
  await createTopic(client, 'dr', 1);
  for (let i = 0; i < 4; i++) await produce(client, 'dr', 0, values(5));
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
});
