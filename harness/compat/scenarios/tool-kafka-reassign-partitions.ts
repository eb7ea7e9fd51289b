import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkEqual, show, step, waitUntil } from '../check.js';
import { kafkaTool, lastLines } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { readTopic } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

/** Runs `kafka-reassign-partitions` with a reassignment file of the given moves; what it printed. */
async function reassign(ctx: ScenarioContext, step: string, action: string, moves: { topic: string; partition: number; replicas: number[] }[]) {
  const file = join(ctx.workDir(), `reassignment-${step}.json`);
  writeFileSync(file, JSON.stringify({ version: 1, partitions: moves }));
  return kafkaTool(ctx, 'kafka-reassign-partitions', step, ['--reassignment-json-file', file, action]);
}

export default defineScenario({
  name: 'tool-kafka-reassign-partitions',
  title:
    "Kafka's kafka-reassign-partitions tool (AlterPartitionReassignments, ListPartitionReassignments): a replica moved to a broker that cannot fetch stays in progress (--list, --verify) until replication is back and it catches up; then the move completes, the leader it removed hands over, and the new replica alone serves every record; a move cancelled (--cancel) meanwhile goes back to the old replicas",
  needs: { tools: ['java'], nodes: 3 },
  timeoutMs: 240_000,
  async run(ctx) {
    const topic = await ctx.createTopic('reassign', { partitions: 2, replicationFactor: 2 });
    const producer = await ctx.producer();
    for (const partition of [0, 1]) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ partition, value: `p${partition}-${i}` })) });
    }
    const before = await ctx.observer.partition(topic, 0);
    const [kept, moved] = [before.replicas[1]!, before.replicas[0]!];
    const newcomer = ctx.cluster.nodeIds().find((id) => !before.replicas.includes(id))!;

    // Replication from the leader is cut: the newcomer's replica cannot catch up, so the move stays
    // in progress. (Kafka's tool refuses a broker that is not live, so it cannot simply be stopped.)
    const replication = ctx.cluster.proxyNames(before.leader, 'replication');
    const setReplication = (enabled: boolean) => Promise.all(replication.map((proxy) => ctx.cluster.toxiproxy.setEnabled(proxy, enabled)));
    await setReplication(false);
    const target = [newcomer, kept];
    try {
      const started = await reassign(ctx, 'execute', '--execute', [{ topic, partition: 0, replicas: target }]);
      check(
        started.code === 0 && started.output.includes(`Successfully started partition reassignment for ${topic}-0`),
        `--execute exited ${started.code}: ${lastLines(started.output)}`,
      );
      const listed = await kafkaTool(ctx, 'kafka-reassign-partitions', 'list', ['--list']);
      // Target first, then the replica being removed.
      const ongoing = `${topic}-0: replicas: ${[...target, moved].join(',')}. adding: ${newcomer}. removing: ${moved}.`;
      check(listed.lines.includes(ongoing), `--list shows ${show(ongoing)}: ${lastLines(listed.output)}`);
      const pending = await reassign(ctx, 'verify-pending', '--verify', [{ topic, partition: 0, replicas: target }]);
      check(
        pending.output.includes(`Reassignment of partition ${topic}-0 is still in progress.`),
        `--verify while replication is cut: ${lastLines(pending.output)}`,
      );

      // Cancelled, the partition goes back to its replicas; then the move is started again.
      const cancelled = await reassign(ctx, 'cancel', '--cancel', [{ topic, partition: 0, replicas: target }]);
      check(cancelled.code === 0 && cancelled.output.includes(`Successfully cancelled partition reassignment`), `--cancel: ${lastLines(cancelled.output)}`);
      // Kafka keeps the order the move gave them (the removed replica last): the same set, not the same list.
      const sorted = (ids: readonly number[]) => show([...ids].sort((a, b) => a - b));
      let reverted: readonly number[] = [];
      await waitUntil(
        async () => sorted((reverted = (await ctx.observer.partition(topic, 0)).replicas)) === sorted(before.replicas),
        20_000,
        `${topic}-0 back on ${sorted(before.replicas)} after --cancel`,
        () => show(reverted),
      );
      const again = await reassign(ctx, 'execute-again', '--execute', [{ topic, partition: 0, replicas: target }]);
      check(again.code === 0, `--execute after the cancel exited ${again.code}: ${lastLines(again.output)}`);
    } finally {
      await setReplication(true);
    }

    await waitUntil(
      async () =>
        (await reassign(ctx, 'verify', '--verify', [{ topic, partition: 0, replicas: target }])).output.includes(
          `Reassignment of partition ${topic}-0 is completed.`,
        ),
      60_000,
      `the move of ${topic}-0 to ${show(target)} to complete once replication is back`,
    );
    const after = await ctx.observer.partition(topic, 0);
    checkEqual(after.replicas, target, `${topic}-0's replicas after the move`);
    checkEqual([...after.isr].sort(), [...target].sort(), `${topic}-0's ISR after the move`);
    const none = await kafkaTool(ctx, 'kafka-reassign-partitions', 'list-after', ['--list']);
    check(none.output.includes('No partition reassignments found.'), `--list after the move: ${lastLines(none.output)}`);

    // The new replica holds every record: with the one replica that stayed stopped, it serves them alone.
    await ctx.cluster.stop(kept);
    try {
      await waitUntil(async () => (await ctx.observer.partition(topic, 0)).leader === newcomer, 30_000, `node ${newcomer} to lead ${topic}-0`);
      // The reader lists both partitions' offsets: partition 1 must have moved off the stopped node too.
      await waitUntil(async () => ![kept, -1].includes((await ctx.observer.partition(topic, 1)).leader), 30_000, `${topic}-1 led by a running node`);
      const records = (await step(`reading ${topic} with node ${kept} stopped`, readTopic(ctx, topic))).filter((r) => r.partition === 0);
      checkEqual(
        records.map((r) => r.value?.toString()),
        Array.from({ length: 100 }, (_, i) => `p0-${i}`),
        `the records of ${topic}-0 read from node ${newcomer} alone`,
      );
    } finally {
      await ctx.cluster.start(kept);
    }
    // The cluster is shared with later scenarios: leave it whole again.
    await waitUntil(async () => (await ctx.observer.partition(topic, 0)).isr.length === target.length, 60_000, `node ${kept} back in the ISR of ${topic}-0`);
  },
});
