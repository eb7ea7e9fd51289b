import type { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import { CheckFailed } from './outcomes.js';
import { show, waitUntil } from './check.js';
import type { ScenarioContext } from './context.js';

/** A consumed record in plain values, for comparisons and failure reasons. */
export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: number;
}

export function consumedRecord(partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headers ?? {},
    timestamp: Number(message.timestamp),
  };
}

/** Text of a key or value, `null` staying null. */
export function text(buffer: Buffer | null): string | null {
  return buffer === null ? null : buffer.toString();
}

/**
 * Fails the scenario as soon as a consumer crashes for good, instead of waiting for a timeout.
 * Crashes kafkajs restarts from (retriable errors such as COORDINATOR_LOAD_IN_PROGRESS while
 * a broker loads the offsets topic) are part of normal operation.
 */
export function watchCrashes(consumer: Consumer, who: string): () => void {
  let crash: Error | undefined;
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload as { error: Error; restart: boolean };
    if (!restart) crash ??= error;
  });
  return () => {
    if (crash) throw new CheckFailed(`${who} crashed: ${crash.message}`);
  };
}

/**
 * An admin request that a node stopped a moment ago may fail with a closed or refused connection:
 * kafkajs answers from its cached metadata, which still names that node, and gives up at once
 * (tool-kafka-reassign-partitions stops a node, then reads the topic). Asked again, it refreshes
 * its metadata and goes to a running node.
 */
async function askAgainOnClosedConnections<T>(request: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const { name, message } = error as Error;
      const connection = name === 'KafkaJSConnectionClosedError' || name === 'KafkaJSConnectionError' || /Closed connection|ECONNREFUSED/.test(message);
      if (!connection || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Reads every record of `topic` below the high watermarks of the moment of the call, with a
 * consumer group of its own starting from the beginning. Records come back sorted by partition
 * and offset; a record read twice appears twice.
 */
export async function readTopic(ctx: ScenarioContext, topic: string, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  const admin = await ctx.admin();
  const offsets = await askAgainOnClosedConnections(() => admin.fetchTopicOffsets(topic), timeoutMs);
  const remaining = new Map<number, number>();
  for (const o of offsets) if (Number(o.high) > Number(o.low)) remaining.set(o.partition, Number(o.high));
  const records: ConsumedRecord[] = [];
  if (remaining.size === 0) return records;

  // Joining meets the same stale metadata: a consumer whose first requests go to the stopped node
  // is replaced by a new one.
  const { consumer, throwIfCrashed } = await askAgainOnClosedConnections(async () => {
    const candidate = await ctx.consumer({ groupId: ctx.name('reader') });
    try {
      const throwIfCrashed = watchCrashes(candidate, 'the reading consumer');
      await candidate.subscribe({ topic, fromBeginning: true });
      return { consumer: candidate, throwIfCrashed };
    } catch (error) {
      await candidate.disconnect().catch(() => undefined);
      throw error;
    }
  }, timeoutMs);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const record = consumedRecord(partition, message);
      records.push(record);
      const high = remaining.get(partition);
      if (high !== undefined && record.offset >= high - 1) remaining.delete(partition);
    },
  });
  await waitUntil(
    () => {
      throwIfCrashed();
      return remaining.size === 0;
    },
    timeoutMs,
    `a consumer to read ${topic} to its end`,
    () => `${records.length} records read; partitions not at their end: ${show([...remaining.entries()].map(([p, h]) => `${p} (high ${h})`))}`,
  );
  // Every record is read: leaving the group may meet the connection of a node stopped meanwhile
  // ('Closed connection' in tool-kafka-reassign-partitions), which changes nothing read.
  await consumer.disconnect().catch(() => undefined);
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
