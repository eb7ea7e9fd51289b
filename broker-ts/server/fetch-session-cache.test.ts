import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@kafka-chaos/protocol';
import { FetchSessionCache, INVALID_SESSION_ID } from './fetch-session-cache.js';
import type { FetchedPartitionRequest, PartitionResponseSummary } from './fetch-session-cache.js';

function part(topic: string, partition: number, fetchOffset = 0n): FetchedPartitionRequest {
  return { topic, topicId: `${topic}-id`, partition, fetchOffset, partitionMaxBytes: 1024, currentLeaderEpoch: -1, logStartOffset: -1n };
}

const quiet = (hw: bigint): PartitionResponseSummary => ({
  errorCode: ErrorCode.NONE,
  highWatermark: hw,
  logStartOffset: 0n,
  recordBytes: 0,
  divergingEpoch: false,
});

describe('FetchSessionCache', () => {
  it('serves sessionless fetches (epoch -1) without creating sessions', () => {
    const cache = new FetchSessionCache(10);
    const context = cache.newContext(0, -1, false, [part('a', 0)], []);
    expect(context.kind).toBe('sessionless');
    expect(cache.size).toBe(0);
  });

  it('creates a session on a full fetch and then answers only what changed', () => {
    const cache = new FetchSessionCache(10);
    const full = cache.newContext(0, 0, false, [part('a', 0), part('a', 1)], []);
    expect(full.kind).toBe('full');
    const id = cache.createSession(false, [part('a', 0), part('a', 1)], [quiet(5n), quiet(7n)]);
    expect(id).not.toBe(INVALID_SESSION_ID);

    const first = cache.newContext(id, 1, false, [], []);
    if (first.kind !== 'incremental') throw new Error(first.kind);
    expect(first.partitions.map((p) => p.partition)).toEqual([0, 1]);
    // Partition 1's high watermark moved; partition 0 is unchanged.
    expect(cache.selectIncremental(first, [quiet(5n), quiet(8n)])).toEqual([false, true]);

    const second = cache.newContext(id, 2, false, [part('a', 0, 5n)], [{ topicOrId: 'a', partition: 1 }]);
    if (second.kind !== 'incremental') throw new Error(second.kind);
    expect(second.partitions.map((p) => [p.partition, p.fetchOffset])).toEqual([[0, 5n]]);
    expect(cache.selectIncremental(second, [{ ...quiet(5n), recordBytes: 100 }])).toEqual([true]);

    // Nothing new but a diverging epoch: the follower must still hear where to truncate.
    const third = cache.newContext(id, 3, false, [], []);
    if (third.kind !== 'incremental') throw new Error(third.kind);
    expect(cache.selectIncremental(third, [{ ...quiet(5n), divergingEpoch: true }])).toEqual([true]);
  });

  it('refuses unknown sessions and wrong epochs as Kafka does', () => {
    const cache = new FetchSessionCache(10);
    expect(cache.newContext(1234, 1, false, [], [])).toMatchObject({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
    const id = cache.createSession(false, [part('a', 0)], [quiet(0n)]);
    expect(cache.newContext(id, 5, false, [], [])).toMatchObject({ kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH });
    expect(cache.newContext(id, 1, true, [], [])).toMatchObject({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR });
  });

  it('closes the session a full fetch names, and answers session id 0 when the cache is full', () => {
    const cache = new FetchSessionCache(1);
    const id = cache.createSession(false, [part('a', 0)], [quiet(0n)]);
    expect(cache.createSession(false, [part('b', 0)], [quiet(0n)])).toBe(INVALID_SESSION_ID);
    cache.newContext(id, 0, false, [part('a', 0)], []);
    expect(cache.size).toBe(0);
  });
});
