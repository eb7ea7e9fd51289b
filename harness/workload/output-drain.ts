// Reads a pipeline's output topic for the transaction checker with the harness's own Fetch
// requests, each partition from its leader, applying read_committed as Kafka defines it
// (../clients/read-committed.ts). kafkajs is not the judge here: its read_committed shows records
// of aborted transactions that interleave (README, findings), which would blame the broker for
// the client. The position advances over markers and dropped records too, so the read is complete
// exactly when every partition is read to its end offset; an open transaction that never ends
// holds the last stable offset back, and the read stops incomplete.
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
import { decodeMessageId, transactionOfOutput } from './message.js';

const FETCH_VERSION = 12;
const FETCH_WAIT_MS = 250;
const PARTITION_MAX_BYTES = 1 << 20;

export async function drainOutputTopic(
  cluster: Cluster,
  observer: ClusterObserver,
  recorder: HistoryRecorder,
  topic: string,
  timeoutMs: number,
  isolation: 'committed' | 'uncommitted',
): Promise<DrainResult> {
  const deadline = Date.now() + timeoutMs;
  const end = await settledEndOffsets(observer, topic, timeoutMs);
  const readUpTo = new Map<number, number>([...end.keys()].map((p) => [p, 0]));
  const leaders = new PartitionMetadataProbe(cluster);
  const clients = new Map<number, WireClient>();
  const clientOf = async (node: number): Promise<WireClient> => {
    let client = clients.get(node);
    if (client === undefined) {
      client = await connectToNode(cluster, node, 'kafka-chaos-output-drain', 10_000);
      client.on('close', () => clients.delete(node));
      clients.set(node, client);
    }
    return client;
  };
  let messagesRead = 0;
  let problem: string | undefined;
  try {
    // One fetch per unfinished partition in turn, so that one held back does not keep the others unread.
    const positions = new Map<number, bigint>([...end.keys()].map((p) => [p, 0n]));
    const unfinished = () => [...end].filter(([p, o]) => positions.get(p)! < BigInt(o)).map(([p]) => p);
    while (unfinished().length > 0 && Date.now() < deadline) {
      for (const partition of unfinished()) {
        let position = positions.get(partition)!;
        try {
          const leader = (await leaders.partitions(topic)).find((p) => p.partition === partition)?.leader ?? -1;
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
          if (errorCode !== ErrorCode.NONE) throw new Error(`fetch of ${topic}-${partition} at ${position}: ${errorName(errorCode)}`);
          const read = visibleRecords(answer!.records ?? Buffer.alloc(0), position, isolation, answer!.abortedTransactions ?? null);
          if (read.records.length > 0) {
            messagesRead += read.records.length;
            recorder.record({
              f: 'poll',
              type: 'ok',
              process: -1,
              time: recorder.now(),
              reads: read.records.map((r) => [partition, Number(r.offset), decodeMessageId(r.value)]),
              consumer: 'drain',
              generation: 1,
              topic,
              isolation,
              txns: read.records.map((r) => transactionOfOutput(r.value)),
            });
          }
          if (read.nextOffset > position) positions.set(partition, (position = read.nextOffset));
          else
            problem = `${topic}-${partition} stays at ${position}: the last stable offset is ${answer!.lastStableOffset}, the high watermark ${answer!.highWatermark}`;
          readUpTo.set(partition, Number(position));
        } catch (err) {
          // A leader moving or a node restarting: ask again.
          problem = errorMessage(err);
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
  const complete = [...end].every(([p, o]) => (readUpTo.get(p) ?? 0) >= o);
  return {
    complete,
    endOffsets: Object.fromEntries(end),
    readUpTo: Object.fromEntries(readUpTo),
    messagesRead,
    ...(complete || problem === undefined ? {} : { problem }),
  };
}
