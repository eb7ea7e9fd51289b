import { check, checkEqual, show, sleep, waitUntil } from '../check.js';
import type { ScenarioContext } from '../context.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';
import { poisonClientTraffic, type ToxicSpec } from '../toxics.js';

const SENDS = 200;
const PER_SEND = 3;

/**
 * Faults that let a produce request reach the leader and lose its answer, so that kafkajs sends
 * the same batch (same producer id, epoch and sequence) again: the broker must recognise it and
 * acknowledge it with the offset it already has, instead of writing it twice.
 */
const FAULTS: { afterSends: number; toxic: ToxicSpec }[] = [
  // Answers are swallowed, then the connection is closed after 400 ms.
  { afterSends: 40, toxic: { type: 'timeout', stream: 'downstream', attributes: { timeout: 400 } } },
  // The first byte of an answer resets the connection.
  { afterSends: 110, toxic: { type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } } },
];

async function leaderOf(ctx: ScenarioContext, topic: string): Promise<number> {
  const leader = await ctx.observer.leaderOf(topic, 0);
  check(leader >= 0, `partition 0 of ${topic} has no leader`);
  return leader;
}

export default defineScenario({
  name: 'produce-idempotent-resets',
  title: 'idempotent producer across lost answers and connection resets on the leader: every record once, in order, at its acknowledged offset',
  timeoutMs: 90_000,
  async run(ctx) {
    const topic = await ctx.createTopic('idempotent');
    const leader = await leaderOf(ctx, topic);
    const producer = await ctx.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 40, initialRetryTime: 100, maxRetryTime: 1000 },
    });

    const acknowledged: { first: number; baseOffset: number }[] = [];
    // The sender stops at each fault's send until the toxic is in place, so that the next write
    // meets it however fast the broker answers (on one node, 200 sends take well under a second).
    const armed = FAULTS.map(() => {
      let arm = () => {};
      const promise = new Promise<void>((resolve) => (arm = resolve));
      return { promise, arm };
    });
    const sending = (async () => {
      for (let s = 0; s < SENDS; s++) {
        const at = FAULTS.findIndex((f) => f.afterSends === s);
        if (at >= 0) await armed[at]!.promise;
        const messages = Array.from({ length: PER_SEND }, (_, i) => ({ partition: 0, value: `n${s * PER_SEND + i}` }));
        const [meta] = await producer.send({ topic, acks: -1, messages });
        acknowledged.push({ first: s * PER_SEND, baseOffset: Number(meta?.baseOffset) });
      }
    })();
    let sendError: unknown;
    sending.catch((err: unknown) => (sendError = err));
    const failIfSendFailed = () => {
      if (sendError) throw sendError;
    };

    for (const [i, { afterSends, toxic }] of FAULTS.entries()) {
      await waitUntil(() => (failIfSendFailed(), acknowledged.length >= afterSends), 30_000, `${afterSends} sends to be acknowledged`);
      const heal = await poisonClientTraffic(ctx, leader, toxic);
      armed[i]!.arm();
      // The fault must catch a write in flight, or this scenario would prove nothing: the
      // unfaulted harness listener sees the leader's log grow past what was acknowledged.
      let high = 0;
      await waitUntil(
        async () => {
          high = (await ctx.observer.endOffsets(topic)).get(0) ?? 0;
          return high > acknowledged.length * PER_SEND;
        },
        10_000,
        `a write to reach the leader while the ${toxic.type} toxic holds back its acknowledgement`,
        () => `high watermark ${high}, ${acknowledged.length * PER_SEND} records acknowledged`,
      );
      await sleep(1500);
      await heal();
    }
    await sending;

    const records = await readTopic(ctx, topic, 30_000);
    const values = records.map((r) => text(r.value));
    const expected = Array.from({ length: SENDS * PER_SEND }, (_, n) => `n${n}`);
    const seen = new Map<string | null, number>();
    for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
    const duplicated = [...seen].filter(([, count]) => count > 1).map(([v]) => v);
    const lost = expected.filter((v) => !seen.has(v));
    check(duplicated.length === 0, `${duplicated.length} records written more than once: ${show(duplicated)}`);
    check(lost.length === 0, `${lost.length} acknowledged records missing: ${show(lost)}`);
    checkEqual(values, expected, 'records in the order they were sent');
    checkEqual(
      acknowledged.map((a) => a.baseOffset),
      acknowledged.map((a) => a.first),
      'acknowledged base offsets (a retried batch must be acknowledged at the offset it was first written to)',
    );
  },
});
