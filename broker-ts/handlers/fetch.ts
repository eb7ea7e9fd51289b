// Fetch (key 1) for consumers and follower replicas. Reads whole batches as stored (never
// decompressed) within partition_max_bytes and max_bytes, always at least one batch of the first
// partition with data (KIP-74): consumers up to the high watermark (READ_COMMITTED: up to the last
// stable offset, with the aborted transactions whose records the answer holds), followers
// (replica_id >= 0) up to the log end, after checking their last fetched epoch (answering with the
// diverging epoch, v12+) and recording their progress, which moves the high watermark. With less
// than min_bytes available it waits up to max_wait_ms, woken by high watermark moves (consumers) or
// appends (followers) rather than polling. Fetch sessions (KIP-227, v7+) are kept in the
// FetchSessionCache; v13+ names topics by id.
import { ApiKey, ErrorCode, batchSizeAt, lastOffsetOf, scanBatches, schema } from '@kafka-chaos/protocol';
import type { Partition } from '../replication/partition.js';
import { IsolationLevel } from '../replication/partition.js';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';
import type { FetchContext, FetchedPartitionRequest, PartitionResponseSummary } from '../server/fetch-session-cache.js';
import { INVALID_SESSION_ID } from '../server/fetch-session-cache.js';

const EMPTY_RECORDS = Buffer.alloc(0);

interface PartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null;
  preferredReadReplica: number;
  records: Buffer;
  currentLeader?: { leaderId: number; leaderEpoch: number };
  divergingEpoch?: { epoch: number; endOffset: bigint };
}

interface FetchParameters {
  isolationLevel: number;
  maxBytes: number;
}

export const fetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 16,
  async handle(broker, body, context) {
    const version = context.apiVersion;
    const usesTopicIds = version >= 13;
    const requested: FetchedPartitionRequest[] = [];
    // A partition named twice is fetched once, with its last fetch position, as Kafka's request map does.
    const positions = new Map<string, number>();
    for (const topic of body.topics) {
      const name = usesTopicIds ? (broker.image.topicById(topic.topicId!)?.name ?? '') : topic.topic!;
      const topicId = usesTopicIds ? topic.topicId! : (broker.image.topic(name)?.id ?? schema.ZERO_UUID);
      for (const p of topic.partitions) {
        const key = `${usesTopicIds ? topicId : name}\0${p.partition}`;
        const at = positions.get(key) ?? requested.length;
        positions.set(key, at);
        requested[at] = {
          topic: name,
          topicId,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
          logStartOffset: p.logStartOffset ?? -1n,
        };
      }
    }
    const forgotten = (body.forgottenTopicsData ?? []).flatMap((t) =>
      t.partitions.map((partition) => ({ topicOrId: usesTopicIds ? t.topicId! : t.topic!, partition })),
    );
    const fetchContext: FetchContext =
      version >= 7
        ? broker.fetchSessions.newContext(body.sessionId ?? 0, body.sessionEpoch ?? -1, usesTopicIds, requested, forgotten)
        : { kind: 'sessionless', partitions: requested };
    if (fetchContext.kind === 'error') {
      return { throttleTimeMs: 0, errorCode: fetchContext.errorCode, sessionId: fetchContext.sessionId, responses: [] };
    }

    const parameters: FetchParameters = {
      isolationLevel: body.isolationLevel,
      maxBytes: Math.max(0, Math.min(body.maxBytes ?? 0x7fffffff, broker.config.fetchMaxBytes)),
    };
    const replicaId = version >= 15 ? (body.replicaState?.replicaId ?? -1) : (body.replicaId ?? -1);
    const partitions = fetchContext.partitions;
    let results = readPartitions(broker, partitions, parameters, version, replicaId);
    if (!isComplete(results, body.minBytes) && body.maxWaitMs > 0 && partitions.length > 0) {
      results = await longPoll(broker, partitions, parameters, version, replicaId, body.minBytes, body.maxWaitMs, context.connectionClosed);
    }

    const summaries: PartitionResponseSummary[] = results.map((r) => ({
      errorCode: r.errorCode,
      highWatermark: r.highWatermark,
      logStartOffset: r.logStartOffset,
      recordBytes: r.records.length,
      divergingEpoch: r.divergingEpoch !== undefined,
    }));
    let sessionId = INVALID_SESSION_ID;
    let included = results.map(() => true);
    if (fetchContext.kind === 'full') {
      sessionId = broker.fetchSessions.createSession(usesTopicIds, partitions, summaries);
      broker.logger.debug({ sessionId, partitions: partitions.length, client: context.clientId }, 'fetch session created');
    } else if (fetchContext.kind === 'incremental') {
      sessionId = fetchContext.session.id;
      included = broker.fetchSessions.selectIncremental(fetchContext, summaries);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId,
      responses: groupByTopic(partitions, results, included, usesTopicIds),
      nodeEndpoints: [],
    };
  },
});

function isComplete(results: readonly PartitionData[], minBytes: number): boolean {
  let bytes = 0;
  for (const result of results) {
    if (result.errorCode !== ErrorCode.NONE || result.divergingEpoch !== undefined) return true;
    bytes += result.records.length;
  }
  return bytes >= minBytes;
}

/** Waits for enough data, re-reading whenever a fetched partition's high watermark moves. */
function longPoll(
  broker: BrokerServices,
  requested: readonly FetchedPartitionRequest[],
  parameters: FetchParameters,
  version: number,
  replicaId: number,
  minBytes: number,
  maxWaitMs: number,
  connectionClosed: AbortSignal | undefined,
): Promise<PartitionData[]> {
  const watched = requested.map((p) => broker.replicas.partition(p.topic, p.partition)).filter((p): p is Partition => p !== undefined);
  return new Promise((resolve) => {
    let done = false;
    const settle = (results: PartitionData[]) => {
      done = true;
      clearTimeout(timer);
      for (const partition of watched) partition.removeWaiter(wake);
      connectionClosed?.removeEventListener('abort', finish);
      resolve(results);
    };
    const finish = () => {
      if (!done) settle(readPartitions(broker, requested, parameters, version, replicaId));
    };
    const wake = () => {
      if (done) return;
      // Deferred so that one append waking many fetches does not read inside the append, but only
      // until the current request's code finishes: a turn of the event loop (setImmediate) waited
      // behind every other socket's events, and acks=all waits on this read.
      queueMicrotask(() => {
        if (done) return;
        const results = readPartitions(broker, requested, parameters, version, replicaId);
        if (isComplete(results, minBytes)) settle(results);
      });
    };
    const timer = setTimeout(finish, maxWaitMs);
    for (const partition of watched) partition.addWaiter(wake, replicaId >= 0);
    // Nobody is left to answer: a client gone with a long maxWaitMs must not leave its waiter behind.
    connectionClosed?.addEventListener('abort', finish);
  });
}

function readPartitions(
  broker: BrokerServices,
  requested: readonly FetchedPartitionRequest[],
  parameters: FetchParameters,
  version: number,
  replicaId: number,
): PartitionData[] {
  let remaining = parameters.maxBytes;
  // KIP-74: the first partition with data returns at least one whole batch, even over the limits.
  let minOneBatch = true;
  return requested.map((request) => {
    const data: PartitionData = {
      partitionIndex: request.partition,
      errorCode: ErrorCode.NONE,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      abortedTransactions: parameters.isolationLevel === IsolationLevel.READ_COMMITTED ? [] : null,
      preferredReadReplica: -1,
      records: EMPTY_RECORDS,
    };
    try {
      const partition = leaderPartition(broker, request, version);
      const limit = Math.min(request.partitionMaxBytes, remaining);
      if (replicaId >= 0) {
        const read = partition.readForFollower({
          replicaId,
          fetchOffset: request.fetchOffset,
          logStartOffset: request.logStartOffset ?? -1n,
          lastFetchedEpoch: version >= 12 ? (request.lastFetchedEpoch ?? -1) : -1,
          currentLeaderEpoch: request.currentLeaderEpoch,
          maxBytes: Math.max(limit, 1),
        });
        data.highWatermark = read.highWatermark;
        data.lastStableOffset = read.highWatermark;
        data.logStartOffset = read.logStartOffset;
        if (read.divergingEpoch !== undefined) data.divergingEpoch = read.divergingEpoch;
        if (read.records.length > 0) {
          data.records = read.records;
          remaining = Math.max(0, remaining - read.records.length);
        }
        return data;
      }
      data.highWatermark = partition.highWatermark;
      data.lastStableOffset = partition.lastStableOffset;
      data.logStartOffset = partition.logStartOffset;
      if (limit > 0 || minOneBatch) {
        let records = partition.readForConsumer(request.fetchOffset, Math.max(limit, 0), parameters.isolationLevel, minOneBatch);
        if (broker.config.bugs.fetchSkipsBatch) records = withoutSecondBatch(records);
        if (records.length > 0) {
          data.records = records;
          minOneBatch = false;
          remaining = Math.max(0, remaining - records.length);
          if (parameters.isolationLevel === IsolationLevel.READ_COMMITTED) {
            // broker.ts.bug.fetch.omits.aborted: the consumer is not told which records to filter out.
            data.abortedTransactions = broker.config.bugs.fetchOmitsAborted ? [] : partition.abortedTransactions(request.fetchOffset, endOfRecords(records));
          }
        }
      }
    } catch (error) {
      data.errorCode = errorCodeOf(error);
      if (data.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) {
        broker.logger.error({ err: error, topic: request.topic, partition: request.partition }, 'fetch failed');
      }
      data.highWatermark = -1n;
      data.lastStableOffset = -1n;
      data.logStartOffset = -1n;
      data.records = EMPTY_RECORDS;
      // Kafka answers partitions it does not know before reading (an empty aborted list) and read
      // failures after (no list at all).
      const unknown = data.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || data.errorCode === ErrorCode.UNKNOWN_TOPIC_ID;
      data.abortedTransactions = unknown ? [] : null;
      if (data.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || data.errorCode === ErrorCode.FENCED_LEADER_EPOCH) {
        const registration = broker.image.partition(request.topic, request.partition);
        if (registration !== undefined) data.currentLeader = { leaderId: registration.leader, leaderEpoch: registration.leaderEpoch };
      }
    }
    return data;
  });
}

/**
 * broker.ts.bug.fetch.skips.batch (unsafe on purpose): a consumer read of three or more batches
 * leaves out the second, so the consumer gets records on both sides of a gap it cannot see.
 */
function withoutSecondBatch(records: Buffer): Buffer {
  const first = batchSizeAt(records);
  const second = first > 0 && first < records.length ? batchSizeAt(records, first) : -1;
  if (second <= 0 || first + second >= records.length) return records;
  return Buffer.concat([records.subarray(0, first), records.subarray(first + second)]);
}

/** The offset after the last batch read (reads return whole batches). */
function endOfRecords(records: Buffer): bigint {
  const last = scanBatches(records).batches.at(-1);
  return last === undefined ? 0n : lastOffsetOf(last.header) + 1n;
}

function leaderPartition(broker: BrokerServices, request: FetchedPartitionRequest, version: number): Partition {
  if (request.topic === '') throw ApiError.of(version >= 13 ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION');
  if (broker.image.partition(request.topic, request.partition) === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION');
  const partition = broker.replicas.partition(request.topic, request.partition);
  if (partition === undefined) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
  partition.checkLeader(request.currentLeaderEpoch);
  return partition;
}

/** Consecutive partitions of one topic share a topic entry, as in Kafka's responses. */
function groupByTopic(requested: readonly FetchedPartitionRequest[], results: readonly PartitionData[], included: readonly boolean[], usesTopicIds: boolean) {
  const topics: { topic: string; topicId: string; partitions: PartitionData[] }[] = [];
  requested.forEach((request, i) => {
    if (!included[i]) return;
    const last = topics.at(-1);
    const sameTopic = last !== undefined && (usesTopicIds ? last.topicId === request.topicId : last.topic === request.topic);
    if (sameTopic) last.partitions.push(results[i]!);
    else topics.push({ topic: request.topic, topicId: request.topicId, partitions: [results[i]!] });
  });
  return topics;
}
