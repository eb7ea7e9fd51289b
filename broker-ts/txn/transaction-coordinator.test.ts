// The transaction coordinator through the wire protocol, on one in-process node: the state
// machine, markers, the last stable offset and aborted list, transactional offsets, fencing and
// the transaction timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, decodeRecordBatches, encodeRecordBatch } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;
let client: WireClient;

beforeAll(async () => {
  node = await startInProcessBroker({
    properties: {
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '3',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '100',
    },
  });
  client = await node.client();
  await createTopic(client, 'tx', 2);
});

afterAll(async () => {
  await node.stop();
});

async function findTxnCoordinator(transactionalId: string) {
  return client.send(ApiKey.FindCoordinator, 3, { key: transactionalId, keyType: 1 });
}

async function initProducerId(transactionalId: string, transactionTimeoutMs = 60_000, version = 1) {
  for (;;) {
    const response = await client.send(ApiKey.InitProducerId, version, { transactionalId, transactionTimeoutMs });
    if (response.errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: number[], version = 1) {
  const response = await client.send(ApiKey.AddPartitionsToTxn, version, {
    v3AndBelowTransactionalId: transactionalId,
    v3AndBelowProducerId: producerId,
    v3AndBelowProducerEpoch: producerEpoch,
    v3AndBelowTopics: [{ name: 'tx', partitions }],
  });
  return response.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode));
}

async function produceTxn(transactionalId: string, producerId: bigint, producerEpoch: number, partition: number, baseSequence: number, count: number) {
  const response = await client.send(ApiKey.Produce, 7, {
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: 'tx',
        partitionData: [
          {
            index: partition,
            records: encodeRecordBatch(values(count, `${transactionalId}-`), { producerId, producerEpoch, baseSequence, transactional: true }),
          },
        ],
      },
    ],
  });
  return response.responses[0]!.partitionResponses[0]!;
}

function endTxn(transactionalId: string, producerId: bigint, producerEpoch: number, committed: boolean, version = 1) {
  return client.send(ApiKey.EndTxn, version, { transactionalId, producerId, producerEpoch, committed });
}

async function fetchPartition(partition: number, fetchOffset: bigint, isolationLevel: number) {
  const response = await client.send(ApiKey.Fetch, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'tx', partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const data = response.responses[0]!.partitions[0]!;
  const batches = data.records === null ? [] : decodeRecordBatches(data.records);
  return { ...data, batches };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function listLatest(partition: number, isolationLevel: number): Promise<bigint> {
  const response = await client.send(ApiKey.ListOffsets, 3, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: 'tx', partitions: [{ partitionIndex: partition, timestamp: -1n, currentLeaderEpoch: -1 }] }],
  });
  return response.topics[0]!.partitions[0]!.offset;
}

describe('the transaction coordinator', () => {
  it('finds the coordinator of a transactional id, creating __transaction_state', async () => {
    const found = await findTxnCoordinator('t-find');
    expect(found).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1, port: node.port });
    expect(node.broker.image.topic('__transaction_state')?.partitions.size).toBe(3);
  });

  it('hides an open transaction from read_committed readers, then lists it as aborted once aborted', async () => {
    await findTxnCoordinator('t-abort');
    const { producerId, producerEpoch, errorCode } = await initProducerId('t-abort');
    expect(errorCode).toBe(ErrorCode.NONE);
    expect(producerEpoch).toBe(0);
    expect(await addPartitions('t-abort', producerId, producerEpoch, [0])).toEqual([ErrorCode.NONE]);
    const start = (await produceTxn('t-abort', producerId, producerEpoch, 0, 0, 3)).baseOffset;

    const uncommitted = await fetchPartition(0, start, 0);
    expect(uncommitted.batches.flatMap((b) => b.records)).toHaveLength(3);
    const committedView = await fetchPartition(0, start, 1);
    expect(committedView.lastStableOffset).toBe(start);
    expect(committedView.batches).toEqual([]);
    expect(await listLatest(0, 1)).toBe(start);
    expect(await listLatest(0, 0)).toBe(start + 3n);
    expect(node.broker.txns.describe('t-abort')).toMatchObject({ state: 'Ongoing', partitions: ['tx-0'] });

    expect((await endTxn('t-abort', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.NONE);
    const after = await eventually(
      () => fetchPartition(0, start, 1),
      (f) => f.lastStableOffset === start + 4n,
    );
    // The three records and the abort marker are readable, with the transaction in the aborted list.
    expect(after.abortedTransactions).toEqual([{ producerId, firstOffset: start }]);
    expect(after.batches.at(-1)!.header.attributes & 0x30).toBe(0x30);
    expect(node.broker.txns.describe('t-abort')?.state).toBe('CompleteAbort');
    // Retrying the same outcome is fine; the other one is not.
    expect((await endTxn('t-abort', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.NONE);
    expect((await endTxn('t-abort', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('commits a transaction over two partitions, and its offsets become visible only at commit', async () => {
    await findTxnCoordinator('t-commit');
    const { producerId, producerEpoch } = await initProducerId('t-commit');
    expect(await addPartitions('t-commit', producerId, producerEpoch, [0, 1])).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    const first0 = (await produceTxn('t-commit', producerId, producerEpoch, 0, 0, 2)).baseOffset;
    await produceTxn('t-commit', producerId, producerEpoch, 1, 0, 2);

    await client.send(ApiKey.FindCoordinator, 2, { key: 'txn-group', keyType: 0 });
    const added = await client.send(ApiKey.AddOffsetsToTxn, 1, { transactionalId: 't-commit', producerId, producerEpoch, groupId: 'txn-group' });
    expect(added.errorCode).toBe(ErrorCode.NONE);
    const committed = await client.send(ApiKey.TxnOffsetCommit, 1, {
      transactionalId: 't-commit',
      groupId: 'txn-group',
      producerId,
      producerEpoch,
      topics: [{ name: 'tx', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedMetadata: null }] }],
    });
    expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    const fetchOffset = (requireStable: boolean) =>
      client
        .send(ApiKey.OffsetFetch, 7, { groupId: 'txn-group', topics: [{ name: 'tx', partitionIndexes: [0] }], requireStable })
        .then((r) => r.topics![0]!.partitions[0]!);
    expect((await fetchOffset(false)).committedOffset).toBe(-1n);
    expect((await fetchOffset(true)).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);

    expect((await endTxn('t-commit', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.NONE);
    const visible = await eventually(
      () => fetchOffset(true),
      (p) => p.committedOffset === 42n,
    );
    expect(visible).toMatchObject({ committedOffset: 42n, errorCode: ErrorCode.NONE });
    const read = await eventually(
      () => fetchPartition(0, first0, 1),
      (f) => f.lastStableOffset > first0 + 2n,
    );
    expect(read.abortedTransactions).toEqual([]);
    expect(read.batches[0]!.records.map((r) => r.value?.toString())).toEqual(['t-commit-0', 't-commit-1']);
    expect(node.broker.txns.describe('t-commit')?.state).toBe('CompleteCommit');
  });

  it("drops an aborted transaction's offsets: the group keeps the offset it had committed before", async () => {
    await client.send(ApiKey.FindCoordinator, 2, { key: 'txn-abort-group', keyType: 0 });
    const fetchOffset = (requireStable: boolean) =>
      client
        .send(ApiKey.OffsetFetch, 7, { groupId: 'txn-abort-group', topics: [{ name: 'tx', partitionIndexes: [1] }], requireStable })
        .then((r) => r.topics![0]!.partitions[0]!);
    const plain = await client.send(ApiKey.OffsetCommit, 2, {
      groupId: 'txn-abort-group',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1n,
      topics: [{ name: 'tx', partitions: [{ partitionIndex: 1, committedOffset: 7n, committedMetadata: null }] }],
    });
    expect(plain.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);

    await findTxnCoordinator('t-abort-offsets');
    const { producerId, producerEpoch } = await initProducerId('t-abort-offsets');
    const added = await client.send(ApiKey.AddOffsetsToTxn, 1, { transactionalId: 't-abort-offsets', producerId, producerEpoch, groupId: 'txn-abort-group' });
    expect(added.errorCode).toBe(ErrorCode.NONE);
    const pending = await client.send(ApiKey.TxnOffsetCommit, 1, {
      transactionalId: 't-abort-offsets',
      groupId: 'txn-abort-group',
      producerId,
      producerEpoch,
      topics: [{ name: 'tx', partitions: [{ partitionIndex: 1, committedOffset: 99n, committedMetadata: null }] }],
    });
    expect(pending.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(await fetchOffset(false)).toMatchObject({ committedOffset: 7n, errorCode: ErrorCode.NONE });
    expect((await fetchOffset(true)).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);

    expect((await endTxn('t-abort-offsets', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.NONE);
    const settled = await eventually(
      () => fetchOffset(true),
      (p) => p.errorCode === ErrorCode.NONE,
    );
    expect(settled).toMatchObject({ committedOffset: 7n, errorCode: ErrorCode.NONE });
  });

  it('checks transactional offset commits against the group as Kafka does, and cannot fence one without member and generation', async () => {
    await client.send(ApiKey.FindCoordinator, 2, { key: 'txn-member-group', keyType: 0 });
    const join = (memberId: string) =>
      client.send(ApiKey.JoinGroup, 9, {
        groupId: 'txn-member-group',
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 5_000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
        reason: null,
      });
    const { memberId } = await join('');
    const joined = await join(memberId);
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    const synced = await client.send(ApiKey.SyncGroup, 5, {
      groupId: 'txn-member-group',
      generationId: 1,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId, assignment: Buffer.from('all') }],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);

    await findTxnCoordinator('t-member');
    const { producerId, producerEpoch } = await initProducerId('t-member');
    expect(
      (await client.send(ApiKey.AddOffsetsToTxn, 1, { transactionalId: 't-member', producerId, producerEpoch, groupId: 'txn-member-group' })).errorCode,
    ).toBe(ErrorCode.NONE);
    const txnOffsetCommit = (version: number, groupId: string, member: { memberId?: string; generationIdOrMemberEpoch?: number } = {}) =>
      client
        .send(ApiKey.TxnOffsetCommit, version, {
          transactionalId: 't-member',
          groupId,
          producerId,
          producerEpoch,
          ...member,
          groupInstanceId: null,
          topics: [{ name: 'tx', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: null }] }],
        })
        .then((r) => r.topics[0]!.partitions[0]!.errorCode);

    // v3 (KIP-447) carries the member and its generation, and both must be current.
    expect(await txnOffsetCommit(3, 'txn-member-group', { memberId: 'stranger', generationIdOrMemberEpoch: 1 })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await txnOffsetCommit(3, 'txn-member-group', { memberId, generationIdOrMemberEpoch: 5 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await txnOffsetCommit(3, 'txn-member-group', { memberId, generationIdOrMemberEpoch: -1 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await txnOffsetCommit(3, 'txn-member-group', { memberId: '', generationIdOrMemberEpoch: 1 })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Only a commit without a generation may create a group.
    expect(await txnOffsetCommit(3, 'txn-no-such-group', { memberId: '', generationIdOrMemberEpoch: 0 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    // Before v3 (kafkajs) there is neither, so a member the group has expired or replaced still
    // commits: the group is not consulted, whatever its state; only the producer epoch fences.
    expect(await txnOffsetCommit(1, 'txn-member-group')).toBe(ErrorCode.NONE);
    expect(await txnOffsetCommit(3, 'txn-member-group', { memberId, generationIdOrMemberEpoch: 1 })).toBe(ErrorCode.NONE);
    expect((await endTxn('t-member', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.NONE);
  });

  it('fences the previous incarnation when the same transactional id initializes again, aborting its open transaction', async () => {
    await findTxnCoordinator('t-fence');
    const old = await initProducerId('t-fence');
    await addPartitions('t-fence', old.producerId, old.producerEpoch, [1]);
    const start = (await produceTxn('t-fence', old.producerId, old.producerEpoch, 1, 0, 1)).baseOffset;
    await client.send(ApiKey.FindCoordinator, 2, { key: 'fence-group', keyType: 0 });
    expect(
      (
        await client.send(ApiKey.AddOffsetsToTxn, 1, {
          transactionalId: 't-fence',
          producerId: old.producerId,
          producerEpoch: old.producerEpoch,
          groupId: 'fence-group',
        })
      ).errorCode,
    ).toBe(ErrorCode.NONE);
    const zombieOffsetCommit = (version: number) =>
      client
        .send(ApiKey.TxnOffsetCommit, version, {
          transactionalId: 't-fence',
          groupId: 'fence-group',
          producerId: old.producerId,
          producerEpoch: old.producerEpoch,
          memberId: '',
          topics: [{ name: 'tx', partitions: [{ partitionIndex: 1, committedOffset: 1n, committedMetadata: null }] }],
        })
        .then((r) => r.topics[0]!.partitions[0]!.errorCode);
    expect(await zombieOffsetCommit(1)).toBe(ErrorCode.NONE);

    // The first answer is CONCURRENT_TRANSACTIONS while the open transaction is aborted; the helper retries.
    const fresh = await initProducerId('t-fence');
    expect(fresh.producerId).toBe(old.producerId);
    expect(fresh.producerEpoch).toBeGreaterThan(old.producerEpoch);
    // Before KIP-588 (v1) the zombie hears INVALID_PRODUCER_EPOCH, from v2 PRODUCER_FENCED.
    expect((await endTxn('t-fence', old.producerId, old.producerEpoch, true, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await endTxn('t-fence', old.producerId, old.producerEpoch, true, 3)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await addPartitions('t-fence', old.producerId, old.producerEpoch, [1], 2)).toEqual([ErrorCode.PRODUCER_FENCED]);
    // The partitions refuse its writes too, offsets included: the abort markers carried the bumped epoch.
    expect(await zombieOffsetCommit(1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await zombieOffsetCommit(3)).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await produceTxn('t-fence', old.producerId, old.producerEpoch, 1, 1, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const read = await fetchPartition(1, start, 1);
    expect(read.abortedTransactions).toEqual([{ producerId: old.producerId, firstOffset: start }]);
  });

  it('aborts a transaction that outlives its timeout and bumps the epoch', async () => {
    await findTxnCoordinator('t-timeout');
    const { producerId, producerEpoch } = await initProducerId('t-timeout', 300);
    await addPartitions('t-timeout', producerId, producerEpoch, [0]);
    await produceTxn('t-timeout', producerId, producerEpoch, 0, 0, 1);
    const described = await eventually(
      async () => node.broker.txns.describe('t-timeout'),
      (d) => d?.state === 'CompleteAbort',
    );
    expect(described).toMatchObject({ state: 'CompleteAbort', producerEpoch: producerEpoch + 1 });
    expect((await endTxn('t-timeout', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('answers the errors Kafka answers for bad requests', async () => {
    await findTxnCoordinator('t-errors');
    expect((await client.send(ApiKey.InitProducerId, 1, { transactionalId: 't-errors', transactionTimeoutMs: 10_000_000 })).errorCode).toBe(
      ErrorCode.INVALID_TRANSACTION_TIMEOUT,
    );
    expect((await endTxn('t-unknown', 5n, 0, true)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const { producerId, producerEpoch } = await initProducerId('t-errors');
    expect((await endTxn('t-errors', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const response = await client.send(ApiKey.AddPartitionsToTxn, 1, {
      v3AndBelowTransactionalId: 't-errors',
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [
        { name: 'tx', partitions: [0] },
        { name: 'missing', partitions: [0] },
      ],
    });
    expect(response.resultsByTopicV3AndBelow.map((t) => t.resultsByPartition[0]!.partitionErrorCode)).toEqual([
      ErrorCode.OPERATION_NOT_ATTEMPTED,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
  });
});

describe('transactions across a restart', () => {
  it('reloads an open transaction and its pending offsets, which the commit then makes visible', async () => {
    const properties = { 'transaction.state.log.replication.factor': '1', 'transaction.state.log.min.isr': '1', 'transaction.state.log.num.partitions': '2' };
    const first = await startInProcessBroker({ properties });
    let c = await first.client();
    await createTopic(c, 'tx-restart', 1);
    await c.send(ApiKey.FindCoordinator, 3, { key: 'restart-txn', keyType: 1 });
    await c.send(ApiKey.FindCoordinator, 3, { key: 'restart-group', keyType: 0 });
    const init = await c.send(ApiKey.InitProducerId, 1, { transactionalId: 'restart-txn', transactionTimeoutMs: 60_000 });
    const { producerId, producerEpoch } = init;
    await c.send(ApiKey.AddPartitionsToTxn, 1, {
      v3AndBelowTransactionalId: 'restart-txn',
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: 'tx-restart', partitions: [0] }],
    });
    await c.send(ApiKey.Produce, 7, {
      transactionalId: 'restart-txn',
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'tx-restart',
          partitionData: [{ index: 0, records: encodeRecordBatch(values(2), { producerId, producerEpoch, baseSequence: 0, transactional: true }) }],
        },
      ],
    });
    await c.send(ApiKey.AddOffsetsToTxn, 1, { transactionalId: 'restart-txn', producerId, producerEpoch, groupId: 'restart-group' });
    await c.send(ApiKey.TxnOffsetCommit, 1, {
      transactionalId: 'restart-txn',
      groupId: 'restart-group',
      producerId,
      producerEpoch,
      topics: [{ name: 'tx-restart', partitions: [{ partitionIndex: 0, committedOffset: 2n, committedMetadata: null }] }],
    });
    await first.stop({ keepData: true });

    const second = await startInProcessBroker({ properties, dataDir: first.dataDir });
    try {
      c = await second.client();
      const coordinatorReady = () =>
        eventually(
          () => c.send(ApiKey.FindCoordinator, 3, { key: 'restart-txn', keyType: 1 }),
          (r) => r.errorCode === ErrorCode.NONE,
        );
      await coordinatorReady();
      expect(second.broker.txns.describe('restart-txn')).toMatchObject({
        state: 'Ongoing',
        producerId,
        producerEpoch,
        partitions: ['tx-restart-0', '__consumer_offsets-' + second.broker.groups.partitionFor('restart-group')],
      });
      const offset = () =>
        c
          .send(ApiKey.OffsetFetch, 7, { groupId: 'restart-group', topics: [{ name: 'tx-restart', partitionIndexes: [0] }], requireStable: true })
          .then((r) => r.topics![0]!.partitions[0]!);
      expect((await offset()).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
      const latestCommitted = () =>
        c
          .send(ApiKey.ListOffsets, 3, {
            replicaId: -1,
            isolationLevel: 1,
            topics: [{ name: 'tx-restart', partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] }],
          })
          .then((r) => r.topics[0]!.partitions[0]!.offset);
      // The open transaction, rebuilt from the producer snapshot, still holds the last stable offset.
      expect(await latestCommitted()).toBe(0n);

      expect((await c.send(ApiKey.EndTxn, 1, { transactionalId: 'restart-txn', producerId, producerEpoch, committed: true })).errorCode).toBe(ErrorCode.NONE);
      expect(await eventually(offset, (p) => p.committedOffset === 2n)).toMatchObject({ committedOffset: 2n, errorCode: ErrorCode.NONE });
      expect(await eventually(latestCommitted, (o) => o === 3n)).toBe(3n);
    } finally {
      await second.stop();
    }
  });
});

describe('ListTransactions and DescribeTransactions', () => {
  it('list the coordinated transactions with their state, filtered as asked, and describe one', async () => {
    await findTxnCoordinator('listed-a');
    const a = await initProducerId('listed-a');
    const b = await initProducerId('listed-b');
    expect(await addPartitions('listed-a', a.producerId, a.producerEpoch, [0, 1])).toEqual([0, 0]);
    const list = (filters: { stateFilters?: string[]; producerIdFilters?: bigint[]; durationFilter?: bigint; transactionalIdPattern?: string | null }) =>
      client.send(ApiKey.ListTransactions, 2, {
        stateFilters: filters.stateFilters ?? [],
        producerIdFilters: filters.producerIdFilters ?? [],
        durationFilter: filters.durationFilter ?? -1n,
        transactionalIdPattern: filters.transactionalIdPattern ?? null,
      });
    const ids = (response: Awaited<ReturnType<typeof list>>) =>
      response.transactionStates
        .filter((t) => t.transactionalId.startsWith('listed-'))
        .map((t) => `${t.transactionalId} ${t.transactionState}`)
        .sort();

    expect(ids(await list({}))).toEqual(['listed-a Ongoing', 'listed-b Empty']);
    const ongoing = await list({ stateFilters: ['Ongoing', 'Sleeping'] });
    expect(ids(ongoing)).toEqual(['listed-a Ongoing']);
    expect(ongoing.unknownStateFilters).toEqual(['Sleeping']);
    expect(ids(await list({ producerIdFilters: [b.producerId] }))).toEqual(['listed-b Empty']);
    // Whole ids only, as Java's Pattern.matches.
    expect(ids(await list({ transactionalIdPattern: 'listed-.' }))).toEqual(['listed-a Ongoing', 'listed-b Empty']);
    expect(ids(await list({ transactionalIdPattern: 'listed' }))).toEqual([]);
    expect((await list({ transactionalIdPattern: '(' })).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION);
    // Running for more than an hour: not the one begun just now; an Empty one has no start (-1),
    // so Kafka 4.4 lists it (the broker comparison's transactions probe).
    expect(ids(await list({ durationFilter: 3_600_000n }))).toEqual(['listed-b Empty']);
    const v0 = await client.send(ApiKey.ListTransactions, 0, { stateFilters: [], producerIdFilters: [a.producerId] });
    expect(v0.transactionStates.map((t) => t.transactionalId)).toEqual(['listed-a']);

    const described = await client.send(ApiKey.DescribeTransactions, 0, { transactionalIds: ['listed-a', 'listed-none', ''] });
    expect(described.transactionStates[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      transactionalId: 'listed-a',
      transactionState: 'Ongoing',
      transactionTimeoutMs: 60_000,
      producerId: a.producerId,
      producerEpoch: a.producerEpoch,
      topics: [{ topic: 'tx', partitions: [0, 1] }],
    });
    expect(described.transactionStates[0]!.transactionStartTimeMs).toBeGreaterThan(0n);
    expect(described.transactionStates.slice(1).map((t) => [t.transactionalId, t.errorCode])).toEqual([
      ['listed-none', ErrorCode.TRANSACTIONAL_ID_NOT_FOUND],
      ['', ErrorCode.INVALID_REQUEST],
    ]);
    expect((await endTxn('listed-a', a.producerId, a.producerEpoch, false)).errorCode).toBe(ErrorCode.NONE);
  });
});
