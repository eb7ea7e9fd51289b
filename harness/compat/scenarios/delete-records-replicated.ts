import { check, checkEqual, show, waitUntil } from '../check.js';
import { kafkaDeleteRecords, kafkaElectPreferred, kafkaToolColumns, lastLines } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

/** The partition's log start offset, as kafka-get-offsets asks its leader. */
async function earliest(ctx: ScenarioContext, topic: string, step: string): Promise<string | undefined> {
  const rows = await kafkaToolColumns(ctx, 'kafka-get-offsets', step, ['--topic', topic, '--time', '-2']);
  return rows
    .map((c) => c.join(' '))
    .find((line) => line.startsWith(`${topic}:0:`))
    ?.slice(`${topic}:0:`.length);
}

export default defineScenario({
  name: 'delete-records-replicated',
  title:
    "DeleteRecords reaches every replica: answered once the followers moved their log start too, so a follower that leads right after starts there; a replica that was down while the log start passed its log end starts over at the leader's log start, catches up, rejoins the ISR and, leading again, serves only what was kept",
  needs: { tools: ['java'], nodes: 3 },
  timeoutMs: 240_000,
  async run(ctx) {
    const topic = await ctx.createTopic('delete-replicated', { partitions: 1, replicationFactor: 3 });
    const producer = await ctx.producer();
    const send = (from: number, count: number) =>
      producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ partition: 0, value: `m${from + i}` })) });
    const before = await ctx.observer.partition(topic, 0);
    const preferred = before.replicas[0]!;
    await waitUntil(
      async () => {
        const now = await ctx.observer.partition(topic, 0);
        return now.isr.length === 3 && now.leader === preferred;
      },
      30_000,
      `${topic}-0 led by its preferred replica ${preferred} with all three in the ISR`,
    );
    await send(0, 10);

    const deleted = await kafkaDeleteRecords(ctx, 'to-5', [{ topic, partition: 0, offset: 5 }]);
    check(deleted.includes(`partition: ${topic}-0\tlow_watermark: 5`), `DeleteRecords up to 5 with every replica up: ${show(deleted)}`);
    // The leader stops right after the answer: the follower that takes over must already start at 5.
    await ctx.cluster.stop(preferred);
    try {
      await waitUntil(
        async () => {
          const now = await ctx.observer.partition(topic, 0);
          return now.leader >= 0 && now.leader !== preferred && !now.isr.includes(preferred);
        },
        30_000,
        `leadership of ${topic}-0 to leave node ${preferred}, and node ${preferred} the ISR`,
      );
      checkEqual(await earliest(ctx, topic, 'after-failover'), '5', `the log start of ${topic}-0 on the follower that took over`);

      // Node `preferred` holds offsets 5-9; the log start now passes its log end.
      await send(10, 10);
      const past = await kafkaDeleteRecords(ctx, 'to-15', [{ topic, partition: 0, offset: 15 }]);
      check(past.includes(`partition: ${topic}-0\tlow_watermark: 15`), `DeleteRecords up to 15 with node ${preferred} stopped: ${show(past)}`);
    } finally {
      await ctx.cluster.start(preferred);
    }
    let state = before;
    await waitUntil(
      async () => (state = await ctx.observer.partition(topic, 0)).isr.length === 3,
      60_000,
      `node ${preferred}, its log ending at 10, back in the ISR of ${topic}-0 whose log starts at 15`,
      () => show(state),
    );
    const election = await kafkaElectPreferred(ctx, topic, 0, 'preferred');
    check(election.code === 0, `kafka-leader-election --election-type PREFERRED exited ${election.code}: ${lastLines(election.output, 3)}`);
    await waitUntil(async () => (await ctx.observer.partition(topic, 0)).leader === preferred, 20_000, `node ${preferred} to lead ${topic}-0 again`);
    checkEqual(await earliest(ctx, topic, 'led-by-restarted'), '15', `the log start of ${topic}-0 led by node ${preferred}`);
    const read = await readTopic(ctx, topic);
    checkEqual(
      read.map((r) => `${r.offset}:${text(r.value)}`),
      [15, 16, 17, 18, 19].map((o) => `${o}:m${o}`),
      `what a consumer from the beginning reads of ${topic}-0, led by node ${preferred}`,
    );
  },
});
