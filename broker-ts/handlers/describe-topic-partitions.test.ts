import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic } from '../testing/wire-helpers.js';
import { TOPIC_OPERATIONS } from './authorized-operations.js';

let node: InProcessBroker;
let client: WireClient;
let topicIdOfA: string;

beforeAll(async () => {
  node = await startInProcessBroker();
  client = await node.client();
  topicIdOfA = await createTopic(client, 'dtp-a', 3);
  await createTopic(client, 'dtp-b', 1);
});

afterAll(async () => {
  await node.stop();
});

type Cursor = { topicName: string; partitionIndex: number } | null;

function describeTopics(names: string[], responsePartitionLimit = 2000, cursor: Cursor = null) {
  return client.send(ApiKey.DescribeTopicPartitions, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor });
}

/** Each topic of an answer with its error and partition indexes, and where the next page starts. */
async function page(names: string[], limit?: number, cursor?: Cursor) {
  const response = await describeTopics(names, limit, cursor);
  return {
    topics: response.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]),
    nextCursor: response.nextCursor,
  };
}

describe('DescribeTopicPartitions', () => {
  it('describes partitions as Metadata does, with empty eligible leader replica lists', async () => {
    const response = await describeTopics(['dtp-a']);
    expect(response.nextCursor).toBeNull();
    expect(response.topics).toEqual([
      {
        errorCode: ErrorCode.NONE,
        name: 'dtp-a',
        topicId: topicIdOfA,
        isInternal: false,
        topicAuthorizedOperations: TOPIC_OPERATIONS,
        partitions: [0, 1, 2].map((partitionIndex) => ({
          errorCode: ErrorCode.NONE,
          partitionIndex,
          leaderId: 1,
          leaderEpoch: 0,
          replicaNodes: [1],
          isrNodes: [1],
          eligibleLeaderReplicas: [],
          lastKnownElr: [],
          offlineReplicas: [],
        })),
      },
    ]);
  });

  it('pages through topics in name order, a cursor naming the first partition left out', async () => {
    expect(await page(['dtp-b', 'dtp-a'], 2)).toEqual({ topics: [['dtp-a', 0, [0, 1]]], nextCursor: { topicName: 'dtp-a', partitionIndex: 2 } });
    expect(await page(['dtp-b', 'dtp-a'], 2, { topicName: 'dtp-a', partitionIndex: 2 })).toEqual({
      topics: [
        ['dtp-a', 0, [2]],
        ['dtp-b', 0, [0]],
      ],
      nextCursor: null,
    });
    // A page filled to a topic's last partition points at the next topic, even one that does not exist.
    expect(await page(['dtp-a', 'dtp-absent'], 3)).toEqual({ topics: [['dtp-a', 0, [0, 1, 2]]], nextCursor: { topicName: 'dtp-absent', partitionIndex: 0 } });
    // A limit below 1 is taken as 1.
    expect((await page(['dtp-a'], 0)).nextCursor).toEqual({ topicName: 'dtp-a', partitionIndex: 1 });
  });

  it('leaves out topics before the cursor, and lists every topic when none is named', async () => {
    expect(await page(['dtp-a', 'dtp-b'], 10, { topicName: 'dtp-b', partitionIndex: 0 })).toEqual({ topics: [['dtp-b', 0, [0]]], nextCursor: null });
    expect(await page([], 2, { topicName: 'dtp-a', partitionIndex: 1 })).toEqual({
      topics: [['dtp-a', 0, [1, 2]]],
      nextCursor: { topicName: 'dtp-b', partitionIndex: 0 },
    });
    // Past a topic's last partition: the topic with no partitions.
    expect(await page(['dtp-a', 'dtp-b'], 10, { topicName: 'dtp-a', partitionIndex: 7 })).toEqual({
      topics: [
        ['dtp-a', 0, []],
        ['dtp-b', 0, [0]],
      ],
      nextCursor: null,
    });
  });

  it('names unknown and illegal topics, each once', async () => {
    expect(await page(['dtp-absent', 'bad name', 'dtp-absent'])).toEqual({
      topics: [
        ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION, []],
        ['dtp-absent', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
      ],
      nextCursor: null,
    });
  });

  it('answers INVALID_REQUEST for every topic asked for when the cursor cannot be followed', async () => {
    const invalid = [
      ['dtp-b', ErrorCode.INVALID_REQUEST, []],
      ['dtp-a', ErrorCode.INVALID_REQUEST, []],
      ['dtp-b', ErrorCode.INVALID_REQUEST, []],
    ];
    expect(await page(['dtp-b', 'dtp-a', 'dtp-b'], 10, { topicName: 'dtp-c', partitionIndex: 0 })).toEqual({ topics: invalid, nextCursor: null });
    expect(await page(['dtp-b', 'dtp-a', 'dtp-b'], 10, { topicName: 'dtp-a', partitionIndex: -1 })).toEqual({ topics: invalid, nextCursor: null });
  });
});
