// The drain: the final read of a topic that the checkers judge the run by. It reads every
// partition from its leader with the harness's own Fetch requests, applying read_committed as
// Kafka defines it (../clients/read-committed.ts), and records each fetch's records in the history.
//
// No client library is the judge: a client's bug would be blamed on the broker. kafkajs 2.2.4's
// read_committed shows records of aborted transactions that interleave (README, findings), which
// failed exactly-once runs without any broker fault. The position advances over markers and
// dropped records too, so a read is complete exactly when every partition is read to the end
// offsets observed once the cluster settled; an open transaction that never ends holds the last
// stable offset back, and the read stops incomplete, saying why.
import { ApiKey, ErrorCode, errorName } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { connectToNode } from '../clients/harness-listener.js';
import type { ClusterObserver } from '../clients/observer.js';
import { PartitionMetadataProbe } from '../clients/partition-metadata.js';
import { visibleRecords } from '../clients/read-committed.js';
import { errorMessage } from '../errors.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';
import { sleep } from '../wait.js';
import type { DrainResult } from './drain-extent.js';
import { settledEndOffsets } from './drain-extent.js';
import { corruptIndexes, decodeMessageId, transactionOfOutput } from './message.js';

export interface DrainOptions {
  /** read_committed (the default, as consumers default to with transactions in use) or read_uncommitted. */
  isolation?: 'committed' | 'uncommitted';
  /**
   * A pipeline's output topic: reads are recorded with the topic, the isolation and the
   * transaction named in each value (`<id>|<transaction>`).
   */
  output?: boolean;
  /** Where an earlier drain stopped, per partition: read from there instead of from the start (a soak's cycles). */
  from?: ReadonlyMap<number, number>;
}

const FETCH_VERSION = 12;
const FETCH_WAIT_MS = 250;
const PARTITION_MAX_BYTES = 1 << 20;

/**
 * Reads every partition of `topic` from its start (or `from`) to the end offsets observed once
 * the cluster settled, recording each read in the history.
 */
export async function drainTopic(
  cluster: Cluster,
  observer: ClusterObserver,
  recorder: HistoryRecorder,
  topic: string,
  timeoutMs: number,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const deadline = Date.now() + timeoutMs;
  const isolation = options.isolation ?? 'committed';
  let end: Map<number, number>;
  try {
    end = await settledEndOffsets(observer, topic, timeoutMs);
  } catch (err) {
    // A partition left without a leader after every fault healed is the cluster's unavailability,
    // which the verdict reports; anything else is the harness failing to read, an error.
    const probe = new PartitionMetadataProbe(cluster);
    const leaderless = (await probe.partitions(topic).catch(() => [])).filter((p) => p.leader < 0);
    probe.close();
    if (leaderless.length === 0) throw err;
    return {
      complete: false,
      endOffsets: {},
      readUpTo: {},
      messagesRead: 0,
      problem: `${leaderless.map((p) => `${topic}-${p.partition} has no leader (ISR ${p.isr.join(', ') || 'empty'})`).join('; ')}: ${errorMessage(err)}`,
    };
  }
  const positions = new Map<number, bigint>([...end.keys()].map((p) => [p, BigInt(options.from?.get(p) ?? 0)]));
  const unfinished = () => [...end].filter(([p, o]) => positions.get(p)! < BigInt(o)).map(([p]) => p);
  const leaders = new PartitionMetadataProbe(cluster);
  /** Each partition's leader, asked once and again only after a fetch failed. */
  let leaderOf: Map<number, number> | undefined;
  const clients = new Map<number, WireClient>();
  const clientOf = async (node: number): Promise<WireClient> => {
    let client = clients.get(node);
    if (client === undefined) {
      client = await connectToNode(cluster, node, 'kafka-chaos-drain', 10_000);
      client.on('close', () => clients.delete(node));
      clients.set(node, client);
    }
    return client;
  };
  let messagesRead = 0;
  let problem: string | undefined;
  try {
    // One fetch per unfinished partition in turn, so that one held back does not keep the others unread.
    while (unfinished().length > 0 && Date.now() < deadline) {
      for (const partition of unfinished()) {
        const position = positions.get(partition)!;
        try {
          leaderOf ??= new Map((await leaders.partitions(topic)).map((p) => [p.partition, p.leader]));
          const leader = leaderOf.get(partition) ?? -1;
          if (leader < 0) throw new Error(`partition ${partition} has no leader`);
          const client = await clientOf(leader);
          const response = await client.send(ApiKey.Fetch, FETCH_VERSION, {
            replicaId: -1,
            maxWaitMs: FETCH_WAIT_MS,
            minBytes: 1,
            maxBytes: 4 * PARTITION_MAX_BYTES,
            isolationLevel: isolation === 'committed' ? 1 : 0,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [
              {
                topic,
                partitions: [
                  {
                    partition,
                    currentLeaderEpoch: -1,
                    fetchOffset: position,
                    lastFetchedEpoch: -1,
                    logStartOffset: -1n,
                    partitionMaxBytes: PARTITION_MAX_BYTES,
                  },
                ],
              },
            ],
            forgottenTopicsData: [],
            rackId: '',
          });
          const answer = response.responses.flatMap((t) => t.partitions).find((p) => p.partitionIndex === partition);
          const errorCode = answer?.errorCode ?? response.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
          if (errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
            // What a consumer resetting to the earliest offset does: the records below the log start are gone.
            const logStart = await earliestOffset(client, topic, partition);
            if (logStart > position) {
              positions.set(partition, logStart);
              continue;
            }
          }
          if (errorCode !== ErrorCode.NONE) throw new Error(`fetch of ${topic}-${partition} at ${position}: ${errorName(errorCode)}`);
          const read = visibleRecords(answer!.records ?? Buffer.alloc(0), position, isolation, answer!.abortedTransactions ?? null);
          if (read.records.length > 0) {
            messagesRead += read.records.length;
            const values = read.records.map((r) => r.value);
            const corrupt = options.output
              ? []
              : corruptIndexes(
                  values,
                  read.records.map((r) => r.crcValid),
                );
            recorder.record({
              f: 'poll',
              type: 'ok',
              process: -1,
              time: recorder.now(),
              reads: read.records.map((r) => [partition, Number(r.offset), decodeMessageId(r.value)]),
              consumer: 'drain',
              generation: 1,
              ...(options.output ? { topic, isolation, txns: values.map(transactionOfOutput) } : {}),
              ...(corrupt.length > 0 ? { corrupt } : {}),
            });
          }
          if (read.nextOffset > position) positions.set(partition, read.nextOffset);
          else
            problem = `${topic}-${partition} stays at ${position}: the last stable offset is ${answer!.lastStableOffset}, the high watermark ${answer!.highWatermark}`;
        } catch (err) {
          // A leader moving or a node restarting: ask again.
          problem = errorMessage(err);
          leaderOf = undefined;
          for (const client of clients.values()) client.close();
          leaders.close();
          await sleep(250);
        }
      }
    }
  } finally {
    for (const client of clients.values()) client.close();
    leaders.close();
  }
  const complete = unfinished().length === 0;
  return {
    complete,
    endOffsets: Object.fromEntries(end),
    readUpTo: Object.fromEntries([...positions].map(([p, o]) => [p, Number(o)])),
    messagesRead,
    ...(complete || problem === undefined ? {} : { problem }),
  };
}

/** The log start offset of a partition, from its leader (ListOffsets, EARLIEST). */
async function earliestOffset(client: WireClient, topic: string, partition: number): Promise<bigint> {
  const answer = await client.send(ApiKey.ListOffsets, 8, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -2n }] }],
  });
  const found = answer.topics[0]?.partitions[0];
  if (found === undefined || found.errorCode !== ErrorCode.NONE)
    throw new Error(`the log start of ${topic}-${partition}: ${errorName(found?.errorCode ?? -1)}`);
  return found.offset;
}
