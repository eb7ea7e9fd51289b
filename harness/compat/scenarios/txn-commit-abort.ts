import { checkEqual, show, sleep, step, waitUntil } from '../check.js';
import type { ScenarioContext } from '../context.js';
import { text, watchCrashes } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

/**
 * Reads the topic from the beginning until `expected` records have arrived, then a little longer
 * (a record that should not be there would follow by then). readTopic cannot be used: it waits for
 * the last offset, and a transaction ends in a marker no consumer returns.
 */
async function readValues(ctx: ScenarioContext, topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = await ctx.consumer({ groupId: ctx.name(readUncommitted ? 'uncommitted-reader' : 'committed-reader'), readUncommitted });
  const throwIfCrashed = watchCrashes(consumer, 'the reading consumer');
  const records: { partition: number; offset: number; value: string | null }[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => void records.push({ partition, offset: Number(message.offset), value: text(message.value ?? null) }),
  });
  await waitUntil(
    () => (throwIfCrashed(), records.length >= expected),
    20_000,
    `a ${readUncommitted ? 'read_uncommitted' : 'read_committed'} consumer to read ${expected} records of ${topic}`,
    () => show(records.map((r) => r.value)),
  );
  await sleep(1000);
  await consumer.disconnect();
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset).map((r) => r.value ?? '');
}

export default defineScenario({
  name: 'txn-commit-abort',
  title:
    'kafkajs transactions over two partitions: read_committed sees committed transactions only, read_uncommitted everything; sendOffsets counts only at commit',
  timeoutMs: 90_000,
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('txn', { partitions: 2 });
    const groupId = ctx.name('txn-group');
    const producer = await ctx.producer({ transactionalId: ctx.name('txn-id'), idempotent: true, maxInFlightRequests: 1 });
    const both = (what: string) => [0, 1].map((partition) => ({ partition, value: `${what}-p${partition}` }));
    const committedOffset = async () => {
      const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (fetched?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
    };
    const none = [0, 1].map((partition) => ({ partition, offset: '-1' }));

    const first = await step('begin the first transaction', producer.transaction());
    await step('send in the first transaction', first.send({ topic, acks: -1, messages: both('committed-1') }));
    await step('commit the first transaction', first.commit());

    const aborted = await step('begin the aborted transaction', producer.transaction());
    await step('send in the aborted transaction', aborted.send({ topic, acks: -1, messages: both('aborted') }));
    await step(
      'sendOffsets in the aborted transaction',
      aborted.sendOffsets({
        consumerGroupId: groupId,
        topics: [
          {
            topic,
            partitions: [
              { partition: 0, offset: '1' },
              { partition: 1, offset: '1' },
            ],
          },
        ],
      }),
    );
    await step('abort', aborted.abort());
    checkEqual(await committedOffset(), none, 'committed offsets after the aborted sendOffsets');

    const last = await step('begin the last transaction', producer.transaction());
    await step('send in the last transaction', last.send({ topic, acks: -1, messages: both('committed-2') }));
    await step(
      'sendOffsets in the last transaction',
      last.sendOffsets({
        consumerGroupId: groupId,
        topics: [
          {
            topic,
            partitions: [
              { partition: 0, offset: '2' },
              { partition: 1, offset: '3' },
            ],
          },
        ],
      }),
    );
    checkEqual(await committedOffset(), none, 'committed offsets while the transaction is open');
    await step('commit the last transaction', last.commit());
    await waitUntil(
      async () =>
        show(await committedOffset()) ===
        show([
          { partition: 0, offset: '2' },
          { partition: 1, offset: '3' },
        ]),
      10_000,
      'the offsets sent in the committed transaction to be committed',
      () => 'still not committed',
    );

    checkEqual(
      await readValues(ctx, topic, false, 4),
      ['committed-1-p0', 'committed-2-p0', 'committed-1-p1', 'committed-2-p1'],
      'records a read_committed consumer reads',
    );
    checkEqual(
      await readValues(ctx, topic, true, 6),
      ['committed-1-p0', 'aborted-p0', 'committed-2-p0', 'committed-1-p1', 'aborted-p1', 'committed-2-p1'],
      'records a read_uncommitted consumer reads',
    );
  },
});
