import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';

let node: InProcessBroker;

beforeAll(async () => {
  node = await startInProcessBroker();
  const client = await node.client();
  await createTopic(client, 'toc', 1);
  // __consumer_offsets, so that the group coordinator could take the commit.
  while ((await client.send(ApiKey.FindCoordinator, 3, { key: 'toc-group', keyType: 0 })).errorCode !== ErrorCode.NONE) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  await node.stop();
});

describe('TxnOffsetCommit', () => {
  it('answers INVALID_GROUP_ID for every known partition when the group id is empty', async () => {
    const client = await node.client();
    const response = await client.send(ApiKey.TxnOffsetCommit, 3, {
      transactionalId: 'toc-txn',
      groupId: '',
      producerId: 1n,
      producerEpoch: 0,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'toc',
          partitions: [
            { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
            { partitionIndex: 9, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    // As Kafka: unknown partitions are answered before the coordinator sees the request.
    expect(response.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode]))).toEqual([
      ['toc', 9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['toc', 0, ErrorCode.INVALID_GROUP_ID],
    ]);
  });
});
