import { check, checkEqual, show, sleep, waitUntil } from '../check.js';
import { runTool } from '../clients/external-tool.js';
import type { ScenarioContext } from '../context.js';
import { text, watchCrashes } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const RECORDS = 400;

/** Values of every record a consumer with this isolation reads, once it has at least `expected` of them. */
async function readValues(ctx: ScenarioContext, topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = await ctx.consumer({ groupId: ctx.name(readUncommitted ? 'uncommitted-reader' : 'committed-reader'), readUncommitted });
  const throwIfCrashed = watchCrashes(consumer, 'the reading consumer');
  const values: string[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(text(message.value ?? null) ?? '') });
  await waitUntil(
    () => (throwIfCrashed(), values.length >= expected),
    30_000,
    `a consumer to read ${expected} records of ${topic}`,
    () => `${values.length} read`,
  );
  // A record that should not be there would follow by now.
  await sleep(1000);
  await consumer.disconnect();
  return values;
}

export default defineScenario({
  name: 'client-java-transactions',
  title:
    "Kafka's TransactionalMessageCopier (Java client, group mode, random aborts): every input copied exactly once for read_committed readers, offsets committed with the transactions",
  needs: { tools: ['java'] },
  timeoutMs: 180_000,
  async run(ctx) {
    const input = await ctx.createTopic('java-txn-in');
    const output = await ctx.createTopic('java-txn-out', { partitions: 2 });
    const groupId = ctx.name('copier');
    const producer = await ctx.producer();
    for (let start = 0; start < RECORDS; start += 100) {
      await producer.send({ topic: input, acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ partition: 0, value: String(start + i) })) });
    }

    const install = await ctx.kafkaJars();
    const args = [
      '-Xms64m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-cp',
      `${install.libs}/*`,
      'org.apache.kafka.tools.TransactionalMessageCopier',
      '--broker-list',
      ctx.bootstrapServers().join(','),
      '--input-topic',
      input,
      '--input-partition',
      '0',
      '--output-topic',
      output,
      '--max-messages',
      String(RECORDS),
      '--consumer-group',
      groupId,
      '--transaction-size',
      '40',
      '--transactional-id',
      ctx.name('copier-txn'),
      '--enable-random-aborts',
      '--group-mode',
      '--use-group-metadata',
    ];
    const run = await runTool(ctx, 'java-transactional-copier', 'java', args, 120_000);
    const last = run.events.filter((e) => e.stage !== undefined).at(-1);
    check(last?.remaining === 0, `the copier should end with nothing remaining; its last status: ${show(last)} (output: ${run.logFile})`);

    const expected = Array.from({ length: RECORDS }, (_, i) => String(i)).sort();
    const committed = await readValues(ctx, output, false, RECORDS);
    checkEqual([...committed].sort(), expected, 'output records a read_committed consumer reads (each input once)');
    const everything = await readValues(ctx, output, true, RECORDS);
    check(everything.length >= RECORDS, `read_uncommitted should read at least every committed record, read ${everything.length}`);

    const admin = await ctx.admin();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    checkEqual(
      offsets?.partitions.map((p) => [p.partition, p.offset]),
      [[0, String(RECORDS)]],
      'the input offset committed by the last transaction',
    );
  },
});
