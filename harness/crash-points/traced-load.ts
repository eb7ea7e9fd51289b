// The load a traced broker-ts node serves while its disk is recorded: messages produced with
// acks=all into a few partitions, topics created one after another (the metadata log), and a
// group's offsets committed again and again (__consumer_offsets). Each
// acknowledgement is stamped with the trace's length when it arrived: every change the node made
// before acknowledging is in the trace before that position, so a crash point past it must keep
// what was acknowledged.
import { statSync } from 'node:fs';
import type { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { ApiKey, ErrorCode, errorName, type WireClient } from '@kafka-chaos/protocol';
import { connectToNode } from '../clients/harness-listener.js';
import { kafkaClient } from '../clients/kafkajs.js';
import { HarnessError, errorMessage } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { pollUntil, sleep } from '../wait.js';

export const DATA_TOPIC = 'crash-points';
export const DATA_PARTITIONS = 3;
export const GROUP = 'crash-points-group';
const SENDERS = 4;
const TOPIC_EVERY_MS = 700;
const COMMIT_EVERY_MS = 50;

export type Acknowledged =
  | { kind: 'message'; partition: number; offset: number; value: string; tracePos: number }
  | { kind: 'topic'; topic: string; tracePos: number }
  /** An offset of the data topic committed for GROUP (each commit higher than the one before). */
  | { kind: 'commit'; partition: number; offset: number; tracePos: number };

/** Runs the load for `durationMs`; every acknowledged message and topic, in the order acknowledged. */
export async function runTracedLoad(cluster: Cluster, traceFile: string, durationMs: number, random: SeededRandom): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  const tracePos = () => statSync(traceFile).size;
  const kafka = kafkaClient('kafka-chaos-crash-points', cluster.bootstrapServers(), { retry: { retries: 0 } }, cluster.clientSecurity);
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  let coordinator: WireClient | undefined;
  await admin.connect();
  await producer.connect();
  try {
    await admin.createTopics({ topics: [{ topic: DATA_TOPIC, numPartitions: DATA_PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    acknowledged.push({ kind: 'topic', topic: DATA_TOPIC, tracePos: tracePos() });
    // Commits as Kafka's admin client alters a group's offsets: no member, generation -1. The first
    // creates __consumer_offsets, which takes a while: before the load's time starts.
    const client = (coordinator = await connectToNode(cluster, 1, 'kafka-chaos-crash-points', 30_000));
    const commit = async (partition: number, offset: number) => {
      const answer = await client.send(ApiKey.OffsetCommit, 9, {
        groupId: GROUP,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          { name: DATA_TOPIC, partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null }] },
        ],
      });
      const errorCode = answer.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      if (errorCode !== ErrorCode.NONE)
        throw new HarnessError(`the traced node refused to commit ${DATA_TOPIC}-${partition} at ${offset}: ${errorName(errorCode)}`);
      acknowledged.push({ kind: 'commit', partition, offset, tracePos: tracePos() });
    };
    let refused = 'no answer';
    await pollUntil(
      async () => {
        // FindCoordinator is what creates __consumer_offsets.
        const found = await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [GROUP] });
        const errorCode = found.coordinators?.[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
        if (errorCode !== ErrorCode.NONE) return ((refused = `FindCoordinator: ${errorName(errorCode)}`), false);
        return commit(0, 0).then(
          () => true,
          (err: unknown) => ((refused = errorMessage(err)), false),
        );
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    if (!acknowledged.some((a) => a.kind === 'commit')) throw new HarnessError(`the traced node took no offset commit for ${GROUP} within 30 s: ${refused}`);
    const end = Date.now() + durationMs;
    const sender = async (id: number) => {
      for (let seq = 0; Date.now() < end;) {
        const partition = random.int(DATA_PARTITIONS);
        const values = Array.from({ length: 1 + random.int(4) }, () => `m-${id}-${seq++}`);
        let answer;
        try {
          answer = await producer.send({ topic: DATA_TOPIC, acks: -1, messages: values.map((value) => ({ partition, value })) });
        } catch (err) {
          throw new HarnessError(`the traced node refused a write with nothing wrong with it: ${errorMessage(err)}`);
        }
        const pos = tracePos();
        const base = Number(answer[0]!.baseOffset);
        values.forEach((value, i) => acknowledged.push({ kind: 'message', partition, offset: base + i, value, tracePos: pos }));
      }
    };
    const topics = async () => {
      for (let n = 1; Date.now() + TOPIC_EVERY_MS < end; n++) {
        await sleep(TOPIC_EVERY_MS);
        const topic = `${DATA_TOPIC}-topic-${n}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
        acknowledged.push({ kind: 'topic', topic, tracePos: tracePos() });
      }
    };
    const commits = async () => {
      for (let offset = 1; Date.now() < end; offset++) {
        await sleep(COMMIT_EVERY_MS);
        await commit(random.int(DATA_PARTITIONS), offset);
      }
    };
    await Promise.all([...Array.from({ length: SENDERS }, (_, id) => sender(id)), topics(), commits()]);
  } finally {
    coordinator?.close();
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
  return acknowledged;
}
