import { check, checkEqual, show, waitUntil } from '../check.js';
import { kafkaTool, lastLines, type KafkaToolResult } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { defineScenario } from '../scenario.js';

/** `Key: value` pairs of the tab-separated partition line of `kafka-topics --describe`. */
function partitionRow(result: KafkaToolResult, topic: string): Map<string, string> | undefined {
  for (const line of result.lines) {
    const fields = new Map(
      line
        .split('\t')
        .map((part) => /^\s*([A-Za-z]+): ?(.*)$/.exec(part))
        .filter((m) => m !== null)
        .map((m) => [m[1]!, m[2]!.trim()]),
    );
    if (fields.get('Topic') === topic && fields.has('Partition')) return fields;
  }
  return undefined;
}

const ids = (list: string | undefined) => (list === undefined || list === '' ? [] : list.split(',').map(Number));

export default defineScenario({
  name: 'tool-kafka-elr',
  title:
    "Kafka's kafka-topics tool on eligible leader replicas (KIP-966, on in a new Kafka 4.4 cluster): a replica that stops cleanly while the ISR is below min.insync.replicas is listed under Elr, the partition under --under-min-isr-partitions; once it is back in the ISR its Elr is empty again",
  needs: { tools: ['java'], nodes: 3 },
  timeoutMs: 180_000,
  async run(ctx: ScenarioContext) {
    // min.insync.replicas 3 of 3 replicas: one replica leaving puts the ISR below it.
    const topic = await ctx.createTopic('elr', { partitions: 1, replicationFactor: 3, config: { 'min.insync.replicas': '3' } });
    const describe = async (step: string, args: string[] = ['--describe', '--topic', topic]) => {
      const run = await kafkaTool(ctx, 'kafka-topics', step, args);
      check(run.code === 0, `kafka-topics ${args.join(' ')} exited ${run.code}: ${lastLines(run.output)}`);
      return run;
    };
    let row: Map<string, string> | undefined;
    const waitForRow = (step: string, what: string, ok: (r: Map<string, string>) => boolean) =>
      waitUntil(
        async () => {
          row = partitionRow(await describe(step), topic);
          return row !== undefined && ok(row);
        },
        60_000,
        what,
        () => show(row === undefined ? undefined : Object.fromEntries(row)),
      );
    await waitForRow('describe', `${topic}-0 with its whole ISR`, (r) => ids(r.get('Isr')).length === 3);
    const leader = Number(row!.get('Leader'));
    const stopped = ids(row!.get('Replicas')).find((id) => id !== leader)!;
    checkEqual([row!.get('Elr'), row!.get('LastKnownElr')], ['', ''], 'Elr and LastKnownElr of a partition with its whole ISR');

    // A controlled shutdown: the replica leaves the ISR, below the minimum, and, being clean, is eligible.
    await ctx.cluster.stop(stopped);
    try {
      await waitForRow('describe-stopped', `node ${stopped} out of the ISR of ${topic}-0 and in its ELR`, (r) => !ids(r.get('Isr')).includes(stopped));
      checkEqual(ids(row!.get('Elr')), [stopped], `the ELR once node ${stopped} stopped (ISR ${row!.get('Isr')})`);
      checkEqual(row!.get('LastKnownElr'), '', 'LastKnownElr while the partition has a leader');
      checkEqual(Number(row!.get('Leader')), leader, 'the leader, which stays');
      const underMin = await describe('under-min-isr', ['--describe', '--under-min-isr-partitions', '--topic', topic]);
      check(partitionRow(underMin, topic) !== undefined, `--under-min-isr-partitions lists ${topic}-0 (ISR of 2, minimum 3): ${lastLines(underMin.output)}`);
    } finally {
      await ctx.cluster.start(stopped);
    }
    await waitForRow('describe-back', `node ${stopped} back in the ISR of ${topic}-0`, (r) => ids(r.get('Isr')).length === 3);
    checkEqual([row!.get('Elr'), row!.get('LastKnownElr')], ['', ''], 'Elr and LastKnownElr once the ISR is whole again');
  },
});
