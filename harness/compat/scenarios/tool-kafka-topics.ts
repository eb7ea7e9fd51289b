import { check, checkEqual, show, waitUntil } from '../check.js';
import { kafkaTool, lastLines, type KafkaToolResult } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { defineScenario } from '../scenario.js';

function topics(ctx: ScenarioContext, step: string, args: string[]) {
  return kafkaTool(ctx, 'kafka-topics', step, args);
}

/** `Key: value` pairs of one tab-separated line of `--describe`. */
function fields(line: string): Map<string, string> {
  return new Map(
    line
      .split('\t')
      .map((part) => /^\s*([A-Za-z]+): ?(.*)$/.exec(part))
      .filter((m) => m !== null)
      .map((m) => [m[1]!, m[2]!.trim()]),
  );
}

export default defineScenario({
  name: 'tool-kafka-topics',
  title:
    "Kafka's kafka-topics tool (CreateTopics, DescribeTopicPartitions, CreatePartitions, DeleteTopics): create with a config, refuse a second create, describe partitions with leaders in their replicas, a full ISR and empty ELR lists, add partitions, list, and delete",
  needs: { tools: ['java'] },
  timeoutMs: 120_000,
  async run(ctx) {
    const topic = ctx.name('topics-tool');
    const rf = String(ctx.replicationFactor);
    const create = ['--create', '--topic', topic, '--partitions', '3', '--replication-factor', rf, '--config', 'retention.ms=100000'];
    const created = await topics(ctx, 'create', create);
    check(
      created.code === 0 && created.lines.includes(`Created topic ${topic}.`),
      `kafka-topics --create exited ${created.code}: ${lastLines(created.output)}`,
    );
    const again = await topics(ctx, 'create-again', create);
    check(again.code === 1 && again.output.includes(`Topic '${topic}' already exists.`), `a second --create exited ${again.code}: ${lastLines(again.output)}`);

    const describe = async (step: string, partitions: number) => {
      let described: KafkaToolResult | undefined;
      // Each broker applies a new topic or partition a moment after the controller commits it, and a
      // replica on a node that an earlier scenario restarted joins the ISR once that node caught up.
      const complete = (r: KafkaToolResult) => {
        const rows = r.lines.map(fields).filter((f) => f.has('Partition'));
        const fullIsr = rows.every((f) => f.get('Isr')?.split(',').length === f.get('Replicas')?.split(',').length);
        return r.code === 0 && rows.length === partitions && fullIsr;
      };
      await waitUntil(
        async () => complete((described = await topics(ctx, step, ['--describe', '--topic', topic]))),
        30_000,
        `kafka-topics --describe to list ${partitions} partitions of ${topic}, each with its whole ISR`,
        () => lastLines(described?.output ?? ''),
      );
      const [header, ...rows] = described!.lines.map(fields).filter((f) => f.get('Topic') === topic);
      checkEqual(header?.get('PartitionCount'), String(partitions), 'PartitionCount');
      checkEqual(header?.get('ReplicationFactor'), rf, 'ReplicationFactor');
      check(header!.get('Configs')!.split(',').includes('retention.ms=100000'), `Configs ${show(header!.get('Configs'))} include retention.ms=100000`);
      checkEqual(
        rows.map((r) => Number(r.get('Partition'))),
        [...Array(partitions).keys()],
        'the partitions described',
      );
      for (const row of rows) {
        const replicas = row.get('Replicas')!.split(',');
        check(
          replicas.length === Number(rf) && replicas.includes(row.get('Leader')!),
          `partition ${row.get('Partition')}: leader ${row.get('Leader')} of replicas ${replicas}`,
        );
        checkEqual(row.get('Isr')!.split(',').sort(), [...replicas].sort(), `partition ${row.get('Partition')}: the ISR`);
        // DescribeTopicPartitions' lists; "N/A" would mean the broker lacks the API.
        checkEqual([row.get('Elr'), row.get('LastKnownElr')], ['', ''], `partition ${row.get('Partition')}: Elr and LastKnownElr`);
      }
    };
    await describe('describe', 3);

    const altered = await topics(ctx, 'alter', ['--alter', '--topic', topic, '--partitions', '5']);
    check(altered.code === 0, `kafka-topics --alter --partitions 5 exited ${altered.code}: ${lastLines(altered.output)}`);
    await describe('describe-altered', 5);

    const listed = await topics(ctx, 'list', ['--list']);
    check(listed.code === 0 && listed.lines.includes(topic), `kafka-topics --list exited ${listed.code}, lists ${show(listed.lines)}`);
    const underReplicated = await topics(ctx, 'under-replicated', ['--describe', '--under-replicated-partitions', '--topic', topic]);
    checkEqual(
      underReplicated.lines.filter((l) => l.trim() !== ''),
      [],
      'kafka-topics --describe --under-replicated-partitions',
    );

    const deleted = await topics(ctx, 'delete', ['--delete', '--topic', topic]);
    check(deleted.code === 0, `kafka-topics --delete exited ${deleted.code}: ${lastLines(deleted.output)}`);
    await waitUntil(
      async () => !(await topics(ctx, 'list-after-delete', ['--list'])).lines.includes(topic),
      20_000,
      `kafka-topics --list to leave out ${topic}`,
    );
  },
});
