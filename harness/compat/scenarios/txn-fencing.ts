import { check, describeError, errorType, show, step, waitUntil } from '../check.js';
import { defineScenario } from '../scenario.js';
import { CheckFailed } from '../outcomes.js';

/**
 * The fenced producer hears INVALID_PRODUCER_EPOCH from kafkajs's request versions (before
 * KIP-588); PRODUCER_FENCED is accepted too, in case the broker answers a newer version.
 */
const FENCED = ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'];

export default defineScenario({
  name: 'txn-fencing',
  title: 'a second kafkajs producer with the same transactional id fences the first: its open transaction is aborted and its commit refused',
  timeoutMs: 90_000,
  async run(ctx) {
    const topic = await ctx.createTopic('fencing');
    const transactionalId = ctx.name('shared-id');
    const config = { transactionalId, idempotent: true, maxInFlightRequests: 1 };
    const zombie = await ctx.producer(config);
    const zombieTxn = await step('begin the first producer transaction', zombie.transaction());
    await step('send in the first producer transaction', zombieTxn.send({ topic, acks: -1, messages: [{ value: 'zombie' }] }));

    // kafkajs initializes the transactional producer id when the first transaction begins.
    const successor = await ctx.producer(config);
    const txn = await step('begin the second producer transaction', successor.transaction());
    let refused: unknown;
    try {
      await zombieTxn.commit();
    } catch (err) {
      refused = err;
    }
    if (refused === undefined) throw new CheckFailed('the fenced producer committed its transaction');
    check(FENCED.includes(errorType(refused) ?? ''), `the fenced producer's commit: expected ${FENCED.join(' or ')}, got ${describeError(refused)}`);

    await step('send in the second producer transaction', txn.send({ topic, acks: -1, messages: [{ value: 'successor' }] }));
    await step('commit the second producer transaction', txn.commit());
    const admin = await ctx.admin();
    let offsets: unknown;
    // The zombie's record, its abort marker, the successor's record, its commit marker (written after EndTxn is answered).
    await waitUntil(
      async () => {
        const found = await admin.fetchTopicOffsets(topic);
        offsets = found;
        return found[0]?.high === '4';
      },
      10_000,
      'the partition to end at 4 (two records, two markers)',
      () => show(offsets),
    );
  },
});
