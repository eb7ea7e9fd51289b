import { check, show, step } from '../check.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'tool-kafka-transactions',
  title:
    "Kafka's kafka-transactions tool: list (ListTransactions to every broker) and describe (DescribeTransactions at the coordinator) show a kafkajs transaction Ongoing on its partitions, then aborted",
  needs: { tools: ['java'] },
  timeoutMs: 90_000,
  async run(ctx) {
    const topic = await ctx.createTopic('txn-tool', { partitions: 2 });
    const transactionalId = ctx.name('txn-tool');
    const producer = await ctx.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    const txn = await step('begin a transaction', producer.transaction());
    await step('send to both partitions', txn.send({ topic, acks: -1, messages: [0, 1].map((partition) => ({ partition, value: `to ${partition}` })) }));

    // list: a header, then one row per transaction (TransactionalId, Coordinator, ProducerId, TransactionState).
    const listed = await kafkaToolColumns(ctx, 'kafka-transactions', 'list', ['list']);
    const row = listed.find((columns) => columns[0] === transactionalId);
    check(row !== undefined, `kafka-transactions list does not show ${transactionalId}: ${show(listed.slice(0, 10))}`);
    check(row[3] === 'Ongoing', `kafka-transactions list shows ${transactionalId} as ${show(row[3])}, not Ongoing`);

    // describe: a header row and a value row; the columns include the state and the partitions.
    const describe = async (stepName: string) => {
      const lines = await kafkaToolColumns(ctx, 'kafka-transactions', stepName, ['describe', '--transactional-id', transactionalId]);
      return lines.flat().join(' ');
    };
    const ongoing = await describe('describe-ongoing');
    check(/\bOngoing\b/.test(ongoing), `kafka-transactions describe: not Ongoing: ${ongoing}`);
    for (const p of [0, 1]) check(ongoing.includes(`${topic}-${p}`), `kafka-transactions describe does not list ${topic}-${p}: ${ongoing}`);

    await step('abort the transaction', txn.abort());
    const aborted = await describe('describe-aborted');
    check(/\b(CompleteAbort|PrepareAbort)\b/.test(aborted), `kafka-transactions describe after the abort: ${aborted}`);
  },
});
