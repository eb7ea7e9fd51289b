import { check, checkEqual, show, waitUntil } from '../check.js';
import { consumedRecords, heldPartitions, startVerifiableConsumer, verifiableProduce } from '../clients/java-verifiable.js';
import type { ToolRun } from '../clients/external-tool.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import type { ScenarioContext } from '../context.js';
import { ScenarioSkipped } from '../outcomes.js';
import { defineScenario } from '../scenario.js';

const RECORDS = 600;
const PARTITIONS = 6;

/** Every partition held by exactly one of the members, each member holding some. */
function splitBetween(members: readonly ToolRun[], topic: string): boolean {
  const held = members.map((m) => [...heldPartitions(m, topic)]);
  const all = held.flat();
  return held.every((h) => h.length > 0) && all.length === PARTITIONS && new Set(all).size === PARTITIONS;
}

function describeHolders(members: readonly ToolRun[], topic: string): string {
  return members.map((m, i) => `member ${i + 1} holds ${show([...heldPartitions(m, topic)].sort((a, b) => a - b))}`).join(', ');
}

/** The group's type as Kafka's kafka-groups tool lists it (Classic or Consumer), lower-cased. */
async function groupType(ctx: ScenarioContext, group: string, step: string): Promise<string | undefined> {
  const rows = await kafkaToolColumns(ctx, 'kafka-groups', step, ['--list']);
  return rows.find((columns) => columns[0] === group)?.[1]?.toLowerCase();
}

export default defineScenario({
  name: 'consumer-protocol-online-upgrade',
  title:
    'A classic group converted online, as Kafka 4.x does (group.consumer.migration.policy bidirectional): two VerifiableConsumers of the classic protocol share the partitions; a third joins with group.protocol=consumer, the group becomes a consumer group (kafka-groups --list) that assigns its classic members too, every partition held by one member; when that member leaves the group is classic again and the two share every partition; every acknowledged record is read at its offset',
  needs: { tools: ['java'] },
  timeoutMs: 300_000,
  async run(ctx) {
    const { version } = await ctx.kafkaJars();
    if (version.startsWith('3.')) throw new ScenarioSkipped(`Kafka ${version} has no GA consumer group protocol to convert to (KIP-848 is GA from 4.0)`);
    const topic = await ctx.createTopic('online-upgrade', { partitions: PARTITIONS });
    const group = ctx.name('online-upgrade');
    const first = await verifiableProduce(ctx, topic, RECORDS);
    check(first.errors.length === 0, `${first.errors.length} sends failed: ${show(first.errors.slice(0, 3))}`);

    const classic = [
      await startVerifiableConsumer(ctx, topic, group, { groupProtocol: 'classic', label: 'online-upgrade-classic-a' }),
      await startVerifiableConsumer(ctx, topic, group, { groupProtocol: 'classic', label: 'online-upgrade-classic-b' }),
    ];
    await waitUntil(
      () => splitBetween(classic, topic),
      90_000,
      'the two classic members to share every partition',
      () => describeHolders(classic, topic),
    );
    checkEqual(await groupType(ctx, group, 'list-classic'), 'classic', `${group}'s type with two classic members`);

    const modern = await startVerifiableConsumer(ctx, topic, group, { groupProtocol: 'consumer', label: 'online-upgrade-consumer' });
    const everyone = [...classic, modern];
    await waitUntil(
      () => splitBetween(everyone, topic),
      90_000,
      'the consumer-protocol member and both classic members to hold every partition between them, each some',
      () => describeHolders(everyone, topic),
    );
    checkEqual(await groupType(ctx, group, 'list-upgraded'), 'consumer', `${group}'s type once a consumer-protocol member joined`);

    await modern.stop();
    let type: string | undefined;
    await waitUntil(
      async () => splitBetween(classic, topic) && (type = await groupType(ctx, group, 'list-downgraded')) === 'classic',
      90_000,
      'the group to be classic again once the consumer-protocol member left, its two members sharing every partition',
      () => `${describeHolders(classic, topic)}; kafka-groups lists it as ${show(type)}`,
    );

    const second = await verifiableProduce(ctx, topic, RECORDS);
    check(second.errors.length === 0, `${second.errors.length} sends failed: ${show(second.errors.slice(0, 3))}`);
    // VerifiableProducer numbers each run's values from 0: a record is its position and value.
    const where = (r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`;
    const ackedAt = new Map([...first.acked, ...second.acked].map((r) => [where(r), r.value]));
    const consumed = () => everyone.flatMap((member) => consumedRecords(member));
    const consumedAt = () => new Set(consumed().map(where));
    await waitUntil(
      () => [...ackedAt.keys()].every((position) => consumedAt().has(position)),
      90_000,
      'the members to read every acknowledged record between them',
      () => `${consumedAt().size} of ${ackedAt.size} read; output in ${everyone.map((m) => m.logFile).join(', ')}`,
    );
    for (const member of classic) await member.stop();
    const wrong = consumed().filter((r) => ackedAt.get(where(r)) !== r.value);
    checkEqual(wrong.length, 0, `records read that were not acknowledged at that offset (${show(wrong.slice(0, 3))})`);
  },
});
