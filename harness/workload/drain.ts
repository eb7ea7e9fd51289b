import { randomUUID } from 'node:crypto';
import type { ClusterObserver } from '../clients/observer.js';
import { kafkaClient } from '../clients/kafkajs.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';
import type { DrainResult } from './drain-extent.js';
import { settledEndOffsets } from './drain-extent.js';
import { corruptIndexes, decodeMessageId } from './message.js';
import { drainOutputTopic } from './output-drain.js';

/**
 * Reads every partition of `topic` from its start to the end offsets observed once the cluster
 * settled, with an independent kafkajs consumer, recording each read in the history.
 */
export interface DrainOptions {
  /** read_committed (the default, as kafkajs) or read_uncommitted. */
  isolation?: 'committed' | 'uncommitted';
  /**
   * A pipeline's output topic: read with the harness's own fetches (output-drain.ts), each read
   * recorded with the topic, the isolation and the transaction named in each value.
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
  if (options.output) return drainOutputTopic(cluster, observer, recorder, topic, timeoutMs, options.isolation ?? 'committed');
  const end = await settledEndOffsets(observer, topic, timeoutMs);
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
  /** Joins so far: the poll checker holds the drain to reading in order within one. */
  let generation = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    generation++;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const reads: [number, number, number][] = batch.messages.map((m) => [batch.partition, Number(m.offset), decodeMessageId(m.value)]);
      if (reads.length > 0) {
        messagesRead += reads.length;
        const corrupt = corruptIndexes(batch.messages.map((m) => m.value));
        recorder.record({
          f: 'poll',
          type: 'ok',
          process: -1,
          time: recorder.now(),
          reads,
          consumer: 'drain',
          generation,
          ...(corrupt.length > 0 ? { corrupt } : {}),
        });
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
  await finished;
  clearTimeout(timer);
  await consumer.disconnect().catch(() => {});
  return result(done(), messagesRead);
}
