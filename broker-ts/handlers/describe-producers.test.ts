import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, encodeRecordBatch } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;
let client: WireClient;

beforeAll(async () => {
  node = await startInProcessBroker({
    properties: {
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '1',
    },
  });
  client = await node.client();
  await createTopic(client, 'dp', 3);
});

afterAll(async () => {
  await node.stop();
});

function describeProducers(topics: { name: string; partitionIndexes: number[] }[]) {
  return client.send(ApiKey.DescribeProducers, 0, { topics });
}

async function describePartition(partition: number) {
  return (await describeProducers([{ name: 'dp', partitionIndexes: [partition] }])).topics[0]!.partitions[0]!;
}

/** Retries while the transaction coordinator is still being set up (__transaction_state loading). */
async function untilSettled<T extends { errorCode?: number }>(exchange: () => Promise<T>): Promise<T> {
  const retriable = new Set<number>([
    ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    ErrorCode.NOT_COORDINATOR,
    ErrorCode.CONCURRENT_TRANSACTIONS,
  ]);
  for (let attempt = 0; ; attempt++) {
    const response = await exchange();
    if (!retriable.has(response.errorCode ?? ErrorCode.NONE) || attempt > 100) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('DescribeProducers', () => {
  it("lists an idempotent producer with its epoch, last sequence and last batch's timestamp, and no transaction", async () => {
    const { producerId, producerEpoch } = await client.send(ApiKey.InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const batch = { producerId, producerEpoch, defaultTimestamp: 1_000n };
    expect((await produce(client, 'dp', 0, values(3), { ...batch, baseSequence: 0 })).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(client, 'dp', 0, values(2), { ...batch, baseSequence: 3, defaultTimestamp: 2_000n })).errorCode).toBe(ErrorCode.NONE);

    expect(await describePartition(0)).toEqual({
      partitionIndex: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      activeProducers: [{ producerId, producerEpoch, lastSequence: 4, lastTimestamp: 2_000n, coordinatorEpoch: -1, currentTxnStartOffset: -1n }],
    });
  });

  it("gives a transactional producer's open transaction its first offset, and none once the transaction is aborted", async () => {
    // Records before the transaction, so that its first offset is not the partition's first.
    await produce(client, 'dp', 1, values(2));
    await untilSettled(() => client.send(ApiKey.FindCoordinator, 3, { key: 'dp-txn', keyType: 1 }));
    const { producerId, producerEpoch } = await untilSettled(() =>
      client.send(ApiKey.InitProducerId, 4, { transactionalId: 'dp-txn', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }),
    );
    const added = await client.send(ApiKey.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'dp-txn',
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: 'dp', partitions: [1] }],
    });
    expect(added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(ErrorCode.NONE);
    const records = encodeRecordBatch(values(2, 't'), { producerId, producerEpoch, baseSequence: 0, transactional: true });
    const written = await client.send(ApiKey.Produce, 9, {
      transactionalId: 'dp-txn',
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'dp', partitionData: [{ index: 1, records }] }],
    });
    expect(written.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2n });

    const open = await describePartition(1);
    expect(open.activeProducers).toEqual([
      { producerId, producerEpoch, lastSequence: 1, lastTimestamp: expect.any(BigInt), coordinatorEpoch: -1, currentTxnStartOffset: 2n },
    ]);
    expect(open.activeProducers[0]!.lastTimestamp).toBeGreaterThan(0n);

    expect((await client.send(ApiKey.EndTxn, 3, { transactionalId: 'dp-txn', producerId, producerEpoch, committed: false })).errorCode).toBe(ErrorCode.NONE);
    // The coordinator writes the abort marker after answering.
    const deadline = Date.now() + 10_000;
    let closed = await describePartition(1);
    while (closed.activeProducers[0]?.currentTxnStartOffset !== -1n && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      closed = await describePartition(1);
    }
    expect(closed.activeProducers).toMatchObject([{ producerId, producerEpoch, lastSequence: 1, currentTxnStartOffset: -1n }]);
  });

  it('answers a partition no producer wrote to with no producers', async () => {
    expect(await describePartition(2)).toEqual({ partitionIndex: 2, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: [] });
  });

  it("answers unknown partitions and topics and illegal topic names with Kafka's errors and messages", async () => {
    const response = await describeProducers([
      { name: 'dp', partitionIndexes: [7, 2] },
      { name: 'dp-absent', partitionIndexes: [0, 1] },
      { name: 'bad name', partitionIndexes: [0] },
    ]);
    const errors = response.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.errorMessage, p.activeProducers.length])]);
    expect(errors).toEqual([
      [
        'dp',
        [
          [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, 0],
          [2, ErrorCode.NONE, null, 0],
        ],
      ],
      [
        'dp-absent',
        [
          [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.', 0],
          [1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.', 0],
        ],
      ],
      [
        'bad name',
        [
          [
            0,
            ErrorCode.INVALID_TOPIC_EXCEPTION,
            "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
            0,
          ],
        ],
      ],
    ]);
  });
});
