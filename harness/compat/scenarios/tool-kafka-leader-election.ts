import { check, show, waitUntil } from '../check.js';
import { kafkaElectPreferred, kafkaTool, lastLines } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { defineScenario } from '../scenario.js';

function elect(ctx: ScenarioContext, step: string, args: string[]) {
  return kafkaTool(ctx, 'kafka-leader-election', step, args);
}

export default defineScenario({
  name: 'tool-kafka-leader-election',
  title:
    "Kafka's kafka-leader-election tool (ElectLeaders at the controller): a partition whose preferred leader was stopped and came back is led by it again after a preferred election; asked again, the election is not needed; an unclean election of a led partition is not needed either",
  needs: { tools: ['java'], nodes: 3 },
  timeoutMs: 180_000,
  async run(ctx) {
    const topic = await ctx.createTopic('election', { partitions: 1, replicationFactor: 3 });
    const before = await ctx.observer.partition(topic, 0);
    const preferred = before.replicas[0]!;
    check(before.leader === preferred, `a new partition is led by its preferred replica ${preferred}: ${show(before)}`);

    // Its preferred replica stops (controlled shutdown moves the leadership) and comes back as a
    // follower: nothing moves the leadership back by itself (auto.leader.rebalance.enable=false).
    await ctx.cluster.stop(preferred);
    try {
      await waitUntil(async () => (await ctx.observer.partition(topic, 0)).leader !== preferred, 30_000, `leadership of ${topic}-0 to leave node ${preferred}`);
    } finally {
      await ctx.cluster.start(preferred);
    }
    await waitUntil(
      async () => {
        const now = await ctx.observer.partition(topic, 0);
        return now.isr.length === 3 && now.leader !== preferred && now.leader >= 0;
      },
      60_000,
      `node ${preferred} back in the ISR of ${topic}-0, another node leading`,
      () => show(before),
    );

    const partitionArgs = ['--topic', topic, '--partition', '0'];
    const preferredRun = await kafkaElectPreferred(ctx, topic, 0, 'preferred');
    check(
      preferredRun.code === 0 && preferredRun.output.includes(`Successfully completed leader election (PREFERRED) for partitions ${topic}-0`),
      `kafka-leader-election --election-type PREFERRED exited ${preferredRun.code}: ${lastLines(preferredRun.output, 3)}`,
    );
    await waitUntil(async () => (await ctx.observer.partition(topic, 0)).leader === preferred, 20_000, `node ${preferred} to lead ${topic}-0 again`);

    const again = await elect(ctx, 'preferred-again', ['--election-type', 'PREFERRED', ...partitionArgs]);
    check(
      again.output.includes(`Valid replica already elected for partitions ${topic}-0`),
      `kafka-leader-election, the preferred leader leading: ${lastLines(again.output, 3)}`,
    );
    const unclean = await elect(ctx, 'unclean', ['--election-type', 'UNCLEAN', ...partitionArgs]);
    check(
      unclean.output.includes(`Valid replica already elected for partitions ${topic}-0`),
      `kafka-leader-election --election-type UNCLEAN of a led partition: ${lastLines(unclean.output, 3)}`,
    );
  },
});
