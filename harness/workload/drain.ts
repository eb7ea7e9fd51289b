import { randomUUID } from 'node:crypto';
import type { ClusterObserver } from '../clients/observer.js';
import { kafkaClient } from '../clients/kafkajs.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';
import { decodeMessageId } from './message.js';

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
export async function drainTopic(
  cluster: Cluster,
  observer: ClusterObserver,
  recorder: HistoryRecorder,
  topic: string,
  timeoutMs: number,
): Promise<DrainResult> {
  // End offsets settle once replicas have caught up; read them twice to be sure.
  let end = await observer.endOffsets(topic);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const again = await observer.endOffsets(topic);
    const same = [...again].every(([p, o]) => end.get(p) === o);
    end = again;
    if (same) break;
  }
  const readUpTo = new Map<number, number>([...end.keys()].map((p) => [p, 0]));
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
    maxWaitTimeInMs: 250,
    sessionTimeout: 10_000,
    retry: { retries: 10 },
  });
  let messagesRead = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const reads: [number, number, number][] = batch.messages.map((m) => [batch.partition, Number(m.offset), decodeMessageId(m.value)]);
      if (reads.length > 0) {
        messagesRead += reads.length;
        recorder.record({ f: 'poll', type: 'ok', process: -1, time: recorder.now(), reads });
        const last = reads[reads.length - 1]![1] + 1;
        if (last > (readUpTo.get(batch.partition) ?? 0)) readUpTo.set(batch.partition, last);
      }
      if (done()) finish();
    },
  });
  const timer = setTimeout(finish, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect().catch(() => {});
  return result(done(), messagesRead);
}
