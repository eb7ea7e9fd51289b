import { randomUUID } from 'node:crypto';
import type { ClusterObserver } from '../clients/observer.js';
import { kafkaClient } from '../clients/kafkajs.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';
import { decodeMessageId } from './message.js';
import { sleep } from '../wait.js';

export interface DrainResult {
  /** Every partition read up to its end offset. */
  complete: boolean;
  endOffsets: Record<number, number>;
  /** Offset after the last message read, per partition. */
  readUpTo: Record<number, number>;
  messagesRead: number;
}

/**
 * Reads every partition of `topic` from its start to the end offsets observed once the cluster
 * settled, with an independent kafkajs consumer, recording each read in the history.
 */
export interface DrainOptions {
  /** read_committed (the default, as kafkajs) or read_uncommitted. */
  isolation?: 'committed' | 'uncommitted';
  /**
   * A pipeline's output topic: reads are recorded with the topic, the isolation and the
   * transaction named in each value (`<id>|<transaction>`).
   */
  output?: boolean;
  /** Where an earlier drain stopped, per partition: read from there instead of from the start (a soak's cycles). */
  from?: ReadonlyMap<number, number>;
}

export async function drainTopic(
  cluster: Cluster,
  observer: ClusterObserver,
  recorder: HistoryRecorder,
  topic: string,
  timeoutMs: number,
  options: DrainOptions = {},
): Promise<DrainResult> {
  // End offsets settle once replicas have caught up; read them twice to be sure.
  let end = await observer.reachableEndOffsets(topic, timeoutMs);
  for (let i = 0; i < 20; i++) {
    await sleep(500);
    const again = await observer.reachableEndOffsets(topic, timeoutMs);
    const same = [...again].every(([p, o]) => end.get(p) === o);
    end = again;
    if (same) break;
  }
  const from = options.from ?? new Map<number, number>();
  const readUpTo = new Map<number, number>([...end.keys()].map((p) => [p, from.get(p) ?? 0]));
  const done = () => [...end].every(([p, o]) => (readUpTo.get(p) ?? 0) >= o);
  const result = (complete: boolean, messagesRead: number): DrainResult => ({
    complete,
    endOffsets: Object.fromEntries(end),
    readUpTo: Object.fromEntries(readUpTo),
    messagesRead,
  });
  if (done()) return result(true, 0);

  const consumer = kafkaClient('kafka-chaos-drain', cluster.harnessServers(), { requestTimeout: 10_000 }, cluster.clientSecurity).consumer({
    groupId: `kafka-chaos-drain-${randomUUID()}`,
    readUncommitted: options.isolation === 'uncommitted',
    maxWaitTimeInMs: 250,
    sessionTimeout: 10_000,
    retry: { retries: 10 },
  });
  let messagesRead = 0;
  let quiet = false;
  let joined = false;
  /** Joins so far: the poll checker holds the drain to reading in order within one. */
  let generation = 0;
  let lastBatch = Date.now();
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    generation++;
    lastBatch = Date.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      lastBatch = Date.now();
      const reads: [number, number, number][] = batch.messages.map((m) => [batch.partition, Number(m.offset), decodeMessageId(m.value)]);
      if (reads.length > 0) {
        messagesRead += reads.length;
        const output = options.output ? { topic, isolation: options.isolation ?? 'committed', txns: batch.messages.map((m) => transactionOf(m.value)) } : {};
        recorder.record({ f: 'poll', type: 'ok', process: -1, time: recorder.now(), reads, consumer: 'drain', generation, ...output });
        const last = reads[reads.length - 1]![1] + 1;
        if (last > (readUpTo.get(batch.partition) ?? 0)) readUpTo.set(batch.partition, last);
      }
      if (done()) finish();
    },
  });
  // The consumer starts at the beginning; partitions read before start where the last drain stopped.
  for (const [partition, offset] of from) {
    if (offset > 0 && offset < (end.get(partition) ?? 0)) consumer.seek({ topic, partition, offset: String(offset) });
  }
  const timer = setTimeout(finish, timeoutMs);
  // Transaction markers, and aborted records under read_committed, occupy offsets no consumer
  // returns: an output topic is read until nothing more arrives for a while.
  const idle = options.output
    ? setInterval(() => {
        if (joined && Date.now() - lastBatch > OUTPUT_IDLE_MS) {
          quiet = true;
          finish();
        }
      }, 250)
    : undefined;
  await finished;
  clearTimeout(timer);
  if (idle) clearInterval(idle);
  await consumer.disconnect().catch(() => {});
  return result(done() || quiet, messagesRead);
}

const OUTPUT_IDLE_MS = 5000;

/** The transaction a pipeline wrote into an output value (`<id>|<transaction>`). */
function transactionOf(value: Buffer | null): string {
  if (!value) return '';
  const text = value.toString('latin1');
  const bar = text.indexOf('|');
  return bar < 0 ? '' : text.slice(bar + 1);
}
