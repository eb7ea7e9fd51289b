// What a node restarted on a crash image must show: it starts (recovery succeeds), every topic and
// message acknowledged before the crash point is there with its value at its offset, and it takes
// a new write to each partition that survives one more crash. A log whose recovery left a bad
// tail may serve the new write at first (from memory) but loses it at its next recovery.
import { ApiKey, ErrorCode, errorName, isRetriable } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { connectToNode } from '../clients/harness-listener.js';
import { kafkaClient } from '../clients/kafkajs.js';
import { visibleRecords } from '../clients/read-committed.js';
import { errorMessage } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { tail, waitUntilRegistered } from '../runtime/readiness.js';
import type { NodeCluster } from '../runtime/node-cluster.js';
import { pollUntil, sleep } from '../wait.js';
import type { Admin } from 'kafkajs';
import { DATA_PARTITIONS, DATA_TOPIC, GROUP, type Acknowledged } from './traced-load.js';

export interface RecoveryCheck {
  /** The node started and registered. */
  recovered: boolean;
  /** Why not: its exit and the last lines of its log. */
  recoveryError?: string;
  /** Acknowledged topics the node does not know. */
  lostTopics: string[];
  /** Acknowledged messages missing at their offsets (`partition@offset=value`). */
  lostMessages: string[];
  /** Acknowledged messages whose offset holds another value. */
  changedMessages: string[];
  /** Partitions whose committed offset went back below the last acknowledged commit (`partition: held < acknowledged`). */
  lostCommits: string[];
  /** The new write to each partition was acknowledged, and read back at its offset after one more crash and recovery. */
  writable: boolean;
  writeError?: string;
  /** The partitions could not be read to their end: nothing can be said of the messages. */
  readError?: string;
  /** Each partition of the data topic as read: its log start, high watermark and where the read ended. */
  partitions?: Record<number, { logStart: string; highWatermark: string; readTo: string; records: number }>;
}

const NODE = 1;
const FETCH_VERSION = 12;
const RETRY_READ_MS = 15_000;

/** Starts node 1 (its data dir already holds the image) and checks it against `required`. */
export async function checkRecovery(cluster: NodeCluster, required: readonly Acknowledged[], timeoutMs: number): Promise<RecoveryCheck> {
  const result: RecoveryCheck = { recovered: false, lostTopics: [], lostMessages: [], changedMessages: [], lostCommits: [], writable: false };
  const failedStart = await startNode(cluster, timeoutMs);
  if (failedStart !== undefined) {
    result.recoveryError = failedStart;
    return result;
  }
  result.recovered = true;

  const topics = required.filter((a) => a.kind === 'topic').map((a) => a.topic);
  const kafka = kafkaClient('kafka-chaos-crash-check', cluster.bootstrapServers(), { retry: { retries: 0 } }, cluster.clientSecurity);
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The node answers before it has caught up with its metadata log: give it a moment to know them.
    let known = new Set<string>();
    await pollUntil(
      async () => {
        known = new Set(await admin.listTopics().catch(() => []));
        return topics.every((t) => known.has(t));
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    result.lostTopics = topics.filter((t) => !known.has(t));
    if (!known.has(DATA_TOPIC)) return result;
    result.lostCommits = await lostCommits(admin, required);
    const written = await writeToEveryPartition(cluster, result);
    if (written !== undefined) {
      await cluster.kill(NODE);
      const failedRestart = await startNode(cluster, timeoutMs);
      if (failedRestart !== undefined) {
        result.writeError = `after the writes, a crash and a restart: ${failedRestart}`;
        return result;
      }
    }
    const client = await connectToNode(cluster, NODE, 'kafka-chaos-crash-check', 10_000);
    try {
      const held = new Map<string, string | null>();
      try {
        result.partitions = {};
        for (let partition = 0; partition < DATA_PARTITIONS; partition++) {
          const read = await readPartition(client, partition);
          for (const [offset, value] of read.held) held.set(`${partition}@${offset}`, value);
          result.partitions[partition] = {
            logStart: String(read.logStart),
            highWatermark: String(read.highWatermark),
            readTo: String(read.readTo),
            records: read.held.size,
          };
        }
      } catch (err) {
        result.readError = errorMessage(err);
        return result;
      }
      for (const a of required) {
        if (a.kind !== 'message') continue;
        const at = `${a.partition}@${a.offset}`;
        if (!held.has(at)) result.lostMessages.push(`${at}=${a.value}`);
        else if (held.get(at) !== a.value) result.changedMessages.push(`${at}=${a.value} (holds ${held.get(at)})`);
      }
      if (written !== undefined) {
        const unreadable = written.filter((w) => held.get(`${w.partition}@${w.offset}`) !== w.value);
        result.writable = unreadable.length === 0;
        if (unreadable.length > 0)
          result.writeError = `written after recovery, then gone after one more crash: ${unreadable.map((w) => `${w.partition}@${w.offset}=${w.value} (holds ${held.get(`${w.partition}@${w.offset}`)})`).join(', ')}`;
      }
    } finally {
      client.close();
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return result;
}

/** The group's committed offsets against the last acknowledged commit of each partition. */
async function lostCommits(admin: Admin, required: readonly Acknowledged[]): Promise<string[]> {
  const last = new Map<number, number>();
  for (const a of required) if (a.kind === 'commit') last.set(a.partition, Math.max(a.offset, last.get(a.partition) ?? -1));
  if (last.size === 0) return [];
  const [fetched] = await admin.fetchOffsets({ groupId: GROUP, topics: [DATA_TOPIC] });
  const held = new Map((fetched?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return [...last]
    .filter(([partition, offset]) => (held.get(partition) ?? -1) < offset)
    .map(([partition, offset]) => `${partition}: ${held.get(partition) ?? -1} < ${offset}`);
}

/** Starts the node and waits until it registers; why it did not, if it did not. */
async function startNode(cluster: NodeCluster, timeoutMs: number): Promise<string | undefined> {
  await cluster.start(NODE);
  try {
    await waitUntilRegistered(cluster, {
      expected: 1,
      timeoutMs,
      checkNodes: async () => {
        if ((await cluster.observeNode(NODE)).state === 'gone') throw new Error(`the node exited while it started`);
      },
      mainLogs: () => [{ id: NODE, file: cluster.driver.mainLog(NODE) }],
    });
    return undefined;
  } catch (err) {
    return `${errorMessage(err).split('\n')[0]}\nLast lines of its log:\n${tail(cluster.driver.mainLog(NODE), 15)}`;
  }
}

/** One acknowledged write to each partition of the data topic; undefined (and the error in `result`) when refused. */
async function writeToEveryPartition(cluster: Cluster, result: RecoveryCheck): Promise<{ partition: number; offset: number; value: string }[] | undefined> {
  const producer = kafkaClient('kafka-chaos-crash-check', cluster.bootstrapServers(), { retry: { retries: 5 } }, cluster.clientSecurity).producer({
    allowAutoTopicCreation: false,
  });
  try {
    await producer.connect();
    const written = [];
    for (let partition = 0; partition < DATA_PARTITIONS; partition++) {
      const value = `after-recovery-${partition}`;
      const [answer] = await producer.send({ topic: DATA_TOPIC, acks: -1, messages: [{ partition, value }] });
      written.push({ partition, offset: Number(answer!.baseOffset), value });
    }
    return written;
  } catch (err) {
    result.writeError = `a write after recovery was refused: ${errorMessage(err)}`;
    return undefined;
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

/** Every record of a partition of the data topic, from its start to its high watermark. */
async function readPartition(
  client: WireClient,
  partition: number,
): Promise<{ held: Map<number, string | null>; logStart: bigint; highWatermark: bigint; readTo: bigint }> {
  const held = new Map<number, string | null>();
  let position = 0n;
  const retryUntil = Date.now() + RETRY_READ_MS;
  for (;;) {
    const response = await client.send(ApiKey.Fetch, FETCH_VERSION, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 4 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: DATA_TOPIC,
          partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: position, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    const answer = response.responses[0]?.partitions[0];
    const errorCode = answer?.errorCode ?? response.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (errorCode !== ErrorCode.NONE) {
      // A node just restarted may still be taking its partitions back (a retriable error): a
      // consumer would retry, and so does this read, for a while.
      if (isRetriable(errorCode) && Date.now() < retryUntil) {
        await sleep(100);
        continue;
      }
      throw new Error(`fetch of ${DATA_TOPIC}-${partition} at ${position}: ${errorName(errorCode)}`);
    }
    const read = visibleRecords(answer!.records ?? Buffer.alloc(0), position, 'uncommitted', null);
    for (const r of read.records) held.set(Number(r.offset), r.value === null ? null : r.value.toString('utf8'));
    if (read.nextOffset >= answer!.highWatermark)
      return { held, logStart: answer!.logStartOffset ?? -1n, highWatermark: answer!.highWatermark, readTo: read.nextOffset };
    if (read.nextOffset <= position)
      throw new Error(`${DATA_TOPIC}-${partition} serves nothing at ${position}, below its high watermark ${answer!.highWatermark}`);
    position = read.nextOffset;
  }
}
