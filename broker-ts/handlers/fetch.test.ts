import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, decodeRecordBatches } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { startInProcessBroker } from '../testing/in-process-broker.js';
import type { InProcessBroker } from '../testing/in-process-broker.js';
import { createTopic, produce, values } from '../testing/wire-helpers.js';

let node: InProcessBroker;
let topicId: string;

beforeAll(async () => {
  node = await startInProcessBroker();
  const client = await node.client();
  topicId = await createTopic(client, 'f', 3);
  for (let i = 0; i < 5; i++) await produce(client, 'f', 0, [{ value: Buffer.alloc(1000, i) }]);
  for (let i = 0; i < 3; i++) await produce(client, 'f', 2, [{ value: Buffer.alloc(1000, i) }]);
});

afterAll(async () => {
  await node.stop();
});

interface FetchArgs {
  partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes?: number }[];
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  isolationLevel?: number;
  sessionId?: number;
  sessionEpoch?: number;
  forgotten?: number[];
  version?: number;
}

function fetch(client: WireClient, args: FetchArgs) {
  const version = args.version ?? 12;
  const byId = version >= 13;
  return client.send(ApiKey.Fetch, version, {
    replicaId: -1,
    maxWaitMs: args.maxWaitMs ?? 0,
    minBytes: args.minBytes ?? 1,
    maxBytes: args.maxBytes ?? 1 << 20,
    isolationLevel: args.isolationLevel ?? 0,
    sessionId: args.sessionId ?? 0,
    sessionEpoch: args.sessionEpoch ?? -1,
    topics: [
      {
        ...(byId ? { topicId } : { topic: 'f' }),
        partitions: args.partitions.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: -1,
          fetchOffset: p.fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: p.partitionMaxBytes ?? 1 << 20,
        })),
      },
    ],
    forgottenTopicsData: args.forgotten ? [{ ...(byId ? { topicId } : { topic: 'f' }), partitions: args.forgotten }] : [],
    rackId: '',
  });
}

describe('Fetch', () => {
  it('returns stored batches with the high watermark and last stable offset', async () => {
    const client = await node.client();
    const response = await fetch(client, { partitions: [{ partition: 0, fetchOffset: 0n }] });
    const data = response.responses[0]!.partitions[0]!;
    expect(data).toMatchObject({
      errorCode: 0,
      highWatermark: 5n,
      lastStableOffset: 5n,
      logStartOffset: 0n,
      abortedTransactions: null,
      preferredReadReplica: -1,
    });
    expect(decodeRecordBatches(data.records!).map((b) => b.header.baseOffset)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('gives READ_COMMITTED readers an empty aborted-transactions list', async () => {
    const client = await node.client();
    const response = await fetch(client, { partitions: [{ partition: 0, fetchOffset: 0n }], isolationLevel: 1 });
    expect(response.responses[0]!.partitions[0]!.abortedTransactions).toEqual([]);
  });

  it('keeps to partition_max_bytes and max_bytes but returns at least one batch (KIP-74)', async () => {
    const client = await node.client();
    const tiny = await fetch(client, { partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 10 }] });
    expect(decodeRecordBatches(tiny.responses[0]!.partitions[0]!.records!)).toHaveLength(1);
    const two = await fetch(client, { partitions: [{ partition: 0, fetchOffset: 1n, partitionMaxBytes: 2200 }] });
    expect(decodeRecordBatches(two.responses[0]!.partitions[0]!.records!).map((b) => b.header.baseOffset)).toEqual([1n, 2n]);
    // max_bytes is spent by the first partition's batch: the second gets nothing this time.
    const capped = await fetch(client, {
      maxBytes: 1500,
      partitions: [
        { partition: 0, fetchOffset: 0n },
        { partition: 2, fetchOffset: 0n },
      ],
    });
    expect(decodeRecordBatches(capped.responses[0]!.partitions[0]!.records!)).toHaveLength(1);
    expect(capped.responses[0]!.partitions[1]!.records!.length).toBe(0);
    const both = await fetch(client, {
      maxBytes: 5000,
      partitions: [
        { partition: 0, fetchOffset: 3n },
        { partition: 2, fetchOffset: 0n },
      ],
    });
    expect(both.responses[0]!.partitions.map((p) => decodeRecordBatches(p.records!).length)).toEqual([2, 2]);
  });

  it('answers OFFSET_OUT_OF_RANGE past the log end, and nothing between the high watermark and the end', async () => {
    const client = await node.client();
    const past = await fetch(client, { partitions: [{ partition: 0, fetchOffset: 99n }] });
    expect(past.responses[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    const atEnd = await fetch(client, { partitions: [{ partition: 0, fetchOffset: 5n }] });
    expect(atEnd.responses[0]!.partitions[0]!.records!.length).toBe(0);
  });

  it('waits for data up to max_wait_ms and is woken by a produce', async () => {
    const client = await node.client();
    const started = performance.now();
    const empty = await fetch(client, { maxWaitMs: 300, partitions: [{ partition: 1, fetchOffset: 0n }] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(empty.responses[0]!.partitions[0]!.records!.length).toBe(0);

    const producer = await node.client();
    const waiting = fetch(client, { maxWaitMs: 10_000, partitions: [{ partition: 1, fetchOffset: 0n }] });
    const woken = performance.now();
    setTimeout(() => void produce(producer, 'f', 1, values(1)), 100);
    const response = await waiting;
    expect(performance.now() - woken).toBeLessThan(2000);
    expect(decodeRecordBatches(response.responses[0]!.partitions[0]!.records!)).toHaveLength(1);
  });

  it('names topics by id from v13 and answers UNKNOWN_TOPIC_ID for ids it does not know', async () => {
    const client = await node.client();
    const response = await fetch(client, { version: 13, partitions: [{ partition: 0, fetchOffset: 4n }] });
    expect(response.responses[0]!.topicId).toBe(topicId);
    expect(decodeRecordBatches(response.responses[0]!.partitions[0]!.records!)).toHaveLength(1);
    const unknown = await client.send(ApiKey.Fetch, 13, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1000,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topicId: 'AAAAAAAAAAAAAAAAAAAAAw',
          partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1000 }],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(unknown.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('keeps incremental fetch sessions: later fetches answer only partitions with news', async () => {
    const client = await node.client();
    const full = await fetch(client, { sessionEpoch: 0, partitions: [0, 1, 2].map((partition) => ({ partition, fetchOffset: 0n })) });
    expect(full.sessionId).not.toBe(0);
    expect(full.responses[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);

    // The client moves its positions to the end of what it got: those partitions then have nothing new.
    const caughtUp = full.responses[0]!.partitions.map((p) => ({ partition: p.partitionIndex, fetchOffset: p.highWatermark }));
    const quiet = await fetch(client, { sessionId: full.sessionId, sessionEpoch: 1, partitions: caughtUp });
    expect(quiet.responses).toEqual([]);

    const producer = await node.client();
    await produce(producer, 'f', 2, values(1));
    const news = await fetch(client, { sessionId: full.sessionId, sessionEpoch: 2, partitions: [] });
    expect(news.responses[0]!.partitions.map((p) => p.partitionIndex)).toEqual([2]);

    const wrongEpoch = await fetch(client, { sessionId: full.sessionId, sessionEpoch: 9, partitions: [] });
    expect(wrongEpoch.errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  });
});
