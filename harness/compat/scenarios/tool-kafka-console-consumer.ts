import { check, checkEqual, show } from '../check.js';
import type { ScenarioContext } from '../context.js';
import { kafkaTool, kafkaToolColumns, lastLines } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';

const PER_PARTITION = 15;
const PARTITIONS = 3;

/**
 * Reads the topic to its end with kafka-console-consumer in a group of its own, with the given
 * group protocol, and checks what it printed, the group's type (ListGroups), its committed offsets
 * (OffsetFetch; ConsumerGroupDescribe or DescribeGroups) and its state once the tool has left.
 */
async function consumeWithProtocol(ctx: ScenarioContext, topic: string, values: string[], protocol: 'classic' | 'consumer'): Promise<void> {
  const group = ctx.name(`console-${protocol}`);
  const consumed = await kafkaTool(ctx, 'kafka-console-consumer', protocol, [
    '--topic',
    topic,
    '--group',
    group,
    '--from-beginning',
    '--max-messages',
    String(values.length),
    '--timeout-ms',
    '60000',
    '--consumer-property',
    `group.protocol=${protocol}`,
  ]);
  check(consumed.code === 0, `kafka-console-consumer (group.protocol=${protocol}) exited with ${consumed.code}: ${lastLines(consumed.output)}`);
  // Kafka 4.4 warns on stdout that --consumer-property is deprecated (for --command-property, which older 4.x lack).
  const printed = consumed.lines.map((l) => l.trim()).filter((l) => !/^Option --consumer-property is deprecated/.test(l));
  checkEqual(printed.sort(), [...values].sort(), `the values kafka-console-consumer printed with group.protocol=${protocol}`);

  // ListGroups with the group's type (KIP-848 added GroupType): --list --type shows it.
  const listed = await kafkaToolColumns(ctx, 'kafka-consumer-groups', `list-${protocol}`, ['--list', '--type']);
  const row = listed.find((c) => c[0] === group);
  check(row !== undefined, `kafka-consumer-groups --list --type does not show ${group}: ${show(listed)}`);
  checkEqual(
    row!.slice(1).map((c) => c.toLowerCase()),
    [protocol],
    `the type kafka-consumer-groups --list --type gives ${group}`,
  );

  // The console consumer committed on close: every partition at its end.
  const described = (await kafkaToolColumns(ctx, 'kafka-consumer-groups', `describe-${protocol}`, ['--describe', '--group', group]))
    .filter((c) => c[0] === group && c[1] === topic)
    .map((c) => c.slice(2, 6))
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
  checkEqual(
    described,
    Array.from({ length: PARTITIONS }, (_, p) => [String(p), String(PER_PARTITION), String(PER_PARTITION), '0']),
    `kafka-consumer-groups --describe of the ${protocol} group (PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG)`,
  );
  const state = await kafkaToolColumns(ctx, 'kafka-consumer-groups', `state-${protocol}`, ['--describe', '--state', '--group', group]);
  check(
    state.some((c) => c[0] === group && c.includes('Empty')),
    `kafka-consumer-groups --describe --state does not show the ${protocol} group ${group} Empty: ${show(state)}`,
  );
}

export default defineScenario({
  name: 'tool-kafka-console-consumer',
  title:
    "Kafka's console consumer reads every record and commits, in a classic group and (Kafka 4.x tools) in a KIP-848 group (--consumer-property group.protocol=consumer); kafka-consumer-groups lists each group with its type and describes its offsets and state",
  needs: { tools: ['java'] },
  timeoutMs: 180_000,
  async run(ctx) {
    const topic = await ctx.createTopic('console', { partitions: PARTITIONS });
    const producer = await ctx.producer();
    const values = Array.from({ length: PARTITIONS }, (_, partition) => Array.from({ length: PER_PARTITION }, (_, i) => `p${partition}-${i}`)).flat();
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ partition: Number(value.slice(1, value.indexOf('-'))), value })) });

    await consumeWithProtocol(ctx, topic, values, 'classic');
    // Kafka 3.9's tools have the consumer protocol only as a preview.
    if (!(await ctx.kafkaJars()).version.startsWith('3.')) await consumeWithProtocol(ctx, topic, values, 'consumer');
  },
});
