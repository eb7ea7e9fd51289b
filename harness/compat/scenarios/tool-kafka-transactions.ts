import { check, checkEqual, show, step, waitUntil } from '../check.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { defineScenario } from '../scenario.js';

/** Batches an idempotent producer writes to partition 0 before the transaction: 5 records, sequences 0-4. */
const IDEMPOTENT_BATCHES = [3, 2];
const IDEMPOTENT_RECORDS = IDEMPOTENT_BATCHES.reduce((a, b) => a + b, 0);

/** describe-producers prints a header row, then a row per producer: each row keyed by its header. */
async function describeProducers(ctx: ScenarioContext, topic: string, partition: number, stepName: string): Promise<Record<string, string>[]> {
  const lines = await kafkaToolColumns(ctx, 'kafka-transactions', stepName, ['describe-producers', '--topic', topic, '--partition', String(partition)]);
  const header = lines.findIndex((columns) => columns[0] === 'ProducerId');
  check(header >= 0, `kafka-transactions describe-producers --partition ${partition} printed no table: ${show(lines.slice(0, 10))}`);
  const names = lines[header]!;
  return lines
    .slice(header + 1)
    .filter((columns) => columns.length === names.length)
    .map((columns) => Object.fromEntries(names.map((name, i) => [name, columns[i]!])));
}

/** What must be the same on every broker: ids and timestamps are checked apart. */
function producerSummary(rows: Record<string, string>[]) {
  return rows
    .map((row) => ({
      epoch: row.ProducerEpoch,
      coordinatorEpoch: row.LatestCoordinatorEpoch,
      lastSequence: row.LastSequence,
      transactionStart: row.CurrentTransactionStartOffset,
    }))
    .sort((a, b) => String(a.transactionStart).localeCompare(String(b.transactionStart)));
}

/** A record timestamp the client gave, so within minutes of now (a broker's clock plays no part). */
function checkRecentTimestamp(row: Record<string, string>, what: string): void {
  const timestamp = Number(row.LastTimestamp);
  check(Math.abs(timestamp - Date.now()) < 10 * 60_000, `kafka-transactions describe-producers: ${what} has LastTimestamp ${show(row.LastTimestamp)}`);
}

export default defineScenario({
  name: 'tool-kafka-transactions',
  title:
    "Kafka's kafka-transactions tool: list (ListTransactions to every broker) and describe (DescribeTransactions at the coordinator) show a kafkajs transaction Ongoing on its partitions, then aborted; describe-producers (DescribeProducers at the partition leader) shows an idempotent producer's last sequence and the open transaction's first offset on each partition, and no open transaction after the abort",
  needs: { tools: ['java'] },
  timeoutMs: 150_000,
  async run(ctx) {
    const topic = await ctx.createTopic('txn-tool', { partitions: 2 });
    // Written before the transaction, so that on partition 0 the transaction starts after them.
    const idempotent = await ctx.producer({ idempotent: true, maxInFlightRequests: 1 });
    let sent = 0;
    for (const count of IDEMPOTENT_BATCHES) {
      const messages = Array.from({ length: count }, () => ({ partition: 0, value: `idempotent ${sent++}` }));
      await step('idempotent producer: send to partition 0', idempotent.send({ topic, acks: -1, messages }));
    }

    const transactionalId = ctx.name('txn-tool');
    const producer = await ctx.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    const txn = await step('begin a transaction', producer.transaction());
    await step('send to both partitions', txn.send({ topic, acks: -1, messages: [0, 1].map((partition) => ({ partition, value: `to ${partition}` })) }));

    // list: a header, then one row per transaction (TransactionalId, Coordinator, ProducerId, TransactionState).
    const listed = await kafkaToolColumns(ctx, 'kafka-transactions', 'list', ['list']);
    const row = listed.find((columns) => columns[0] === transactionalId);
    check(row !== undefined, `kafka-transactions list does not show ${transactionalId}: ${show(listed.slice(0, 10))}`);
    check(row[3] === 'Ongoing', `kafka-transactions list shows ${transactionalId} as ${show(row[3])}, not Ongoing`);
    const transactionalProducerId = row[2];

    // describe: a header row and a value row; the columns include the state and the partitions.
    const describe = async (stepName: string) => {
      const lines = await kafkaToolColumns(ctx, 'kafka-transactions', stepName, ['describe', '--transactional-id', transactionalId]);
      return lines.flat().join(' ');
    };
    const ongoing = await describe('describe-ongoing');
    check(/\bOngoing\b/.test(ongoing), `kafka-transactions describe: not Ongoing: ${ongoing}`);
    for (const p of [0, 1]) check(ongoing.includes(`${topic}-${p}`), `kafka-transactions describe does not list ${topic}-${p}: ${ongoing}`);

    // describe-producers: partition 0 has both producers (the transaction starting after the
    // idempotent records), partition 1 the transactional one only. "None": no open transaction;
    // -1: no coordinator epoch, as nothing has ended a transaction there yet.
    const onPartition0 = await describeProducers(ctx, topic, 0, 'describe-producers-0');
    checkEqual(
      producerSummary(onPartition0),
      [
        { epoch: '0', coordinatorEpoch: '-1', lastSequence: '0', transactionStart: String(IDEMPOTENT_RECORDS) },
        { epoch: '0', coordinatorEpoch: '-1', lastSequence: String(IDEMPOTENT_RECORDS - 1), transactionStart: 'None' },
      ],
      `kafka-transactions describe-producers --partition 0 (${show(onPartition0)})`,
    );
    const onPartition1 = await describeProducers(ctx, topic, 1, 'describe-producers-1');
    checkEqual(
      producerSummary(onPartition1),
      [{ epoch: '0', coordinatorEpoch: '-1', lastSequence: '0', transactionStart: '0' }],
      `kafka-transactions describe-producers --partition 1 (${show(onPartition1)})`,
    );
    // The transaction's producer is the one `list` names, on both partitions; the other is not it.
    const transactional0 = onPartition0.find((p) => p.CurrentTransactionStartOffset !== 'None')!;
    const idempotent0 = onPartition0.find((p) => p.CurrentTransactionStartOffset === 'None')!;
    checkEqual(
      [transactional0.ProducerId, onPartition1[0]!.ProducerId],
      [transactionalProducerId, transactionalProducerId],
      'the ProducerId describe-producers shows for the transaction on partitions 0 and 1, and list shows',
    );
    check(idempotent0.ProducerId !== transactionalProducerId, `the idempotent and the transactional producer share ProducerId ${idempotent0.ProducerId}`);
    for (const [what, row] of [
      ['the idempotent producer', idempotent0],
      ['the transactional producer', transactional0],
    ] as const)
      checkRecentTimestamp(row, what);

    await step('abort the transaction', txn.abort());
    const aborted = await describe('describe-aborted');
    check(/\b(CompleteAbort|PrepareAbort)\b/.test(aborted), `kafka-transactions describe after the abort: ${aborted}`);
    // The abort marker, written after EndTxn is answered, closes the transaction on the partition.
    let attempt = 0;
    let afterAbort: Record<string, string>[] = [];
    await waitUntil(
      async () => {
        afterAbort = await describeProducers(ctx, topic, 1, `describe-producers-aborted-${++attempt}`);
        return afterAbort.length === 1 && afterAbort[0]!.CurrentTransactionStartOffset === 'None';
      },
      30_000,
      'kafka-transactions describe-producers --partition 1 to show no open transaction after the abort',
      () => show(afterAbort),
    );
  },
});
