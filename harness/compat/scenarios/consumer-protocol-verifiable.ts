import { check, checkEqual, show, waitUntil } from '../check.js';
import { consumedRecords, heldPartitions, startVerifiableConsumer, verifiableProduce } from '../clients/java-verifiable.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import { ScenarioSkipped } from '../outcomes.js';
import { defineScenario } from '../scenario.js';

const RECORDS = 600;
const PARTITIONS = 4;

export default defineScenario({
  name: 'consumer-protocol-verifiable',
  title:
    "Kafka's VerifiableConsumer with group.protocol=consumer (KIP-848, ConsumerGroupHeartbeat): two members split the partitions, one leaves and the other takes them all, every acknowledged record is read at its offset, and kafka-consumer-groups shows the group's committed offsets",
  needs: { tools: ['java'] },
  timeoutMs: 240_000,
  async run(ctx) {
    const { version } = await ctx.kafkaJars();
    if (version.startsWith('3.')) throw new ScenarioSkipped(`Kafka ${version}'s clients have no GA consumer group protocol (KIP-848 is GA from 4.0)`);
    const topic = await ctx.createTopic('kip848', { partitions: PARTITIONS });
    const group = ctx.name('kip848');

    const first = await verifiableProduce(ctx, topic, RECORDS);
    check(first.errors.length === 0, `${first.errors.length} sends failed: ${show(first.errors.slice(0, 3))}`);

    const a = await startVerifiableConsumer(ctx, topic, group, { groupProtocol: 'consumer', label: 'kip848-consumer-a' });
    await waitUntil(
      () => heldPartitions(a, topic).size === PARTITIONS,
      60_000,
      'the first member to be assigned every partition',
      () => show(a.events.slice(-3)),
    );
    const b = await startVerifiableConsumer(ctx, topic, group, { groupProtocol: 'consumer', remoteAssignor: 'uniform', label: 'kip848-consumer-b' });
    await waitUntil(
      () => heldPartitions(a, topic).size === PARTITIONS / 2 && heldPartitions(b, topic).size === PARTITIONS / 2,
      60_000,
      'the two members to hold half the partitions each (revoked from one before assigned to the other)',
      () => `a holds ${show([...heldPartitions(a, topic)])}, b holds ${show([...heldPartitions(b, topic)])}`,
    );
    const overlap = [...heldPartitions(a, topic)].filter((p) => heldPartitions(b, topic).has(p));
    checkEqual(overlap, [], 'partitions both members hold at once');

    // The group as Kafka's tool describes it (ConsumerGroupDescribe): two members, every partition assigned.
    const members = (await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'describe-members', ['--describe', '--members', '--group', group])).filter(
      (c) => c[0] === group,
    );
    checkEqual(members.length, 2, `members kafka-consumer-groups --describe --members lists (${show(members)})`);

    await b.stop();
    await waitUntil(
      () => heldPartitions(a, topic).size === PARTITIONS,
      60_000,
      'the remaining member to take every partition back once the other left',
      () => show([...heldPartitions(a, topic)]),
    );
    const second = await verifiableProduce(ctx, topic, RECORDS);
    check(second.errors.length === 0, `${second.errors.length} sends failed: ${show(second.errors.slice(0, 3))}`);
    // VerifiableProducer numbers each run's values from 0: a record is its position and value.
    const where = (r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`;
    const ackedAt = new Map([...first.acked, ...second.acked].map((r) => [where(r), r.value]));
    const consumed = () => [...consumedRecords(a), ...consumedRecords(b)];
    const consumedAt = () => new Set(consumed().map(where));
    await waitUntil(
      () => {
        const seen = consumedAt();
        return [...ackedAt.keys()].every((position) => seen.has(position));
      },
      90_000,
      'the members to read every acknowledged record between them',
      () => `${consumedAt().size} of ${ackedAt.size} read; output in ${a.logFile}, ${b.logFile}`,
    );
    await a.stop();

    const wrong = consumed().filter((r) => ackedAt.get(where(r)) !== r.value);
    checkEqual(wrong.length, 0, `records read that were not acknowledged at that offset (${show(wrong.slice(0, 3))})`);
    check(
      a.events.some((e) => e.name === 'offsets_committed' && e.success === true),
      `the consumer never reported a successful offset commit (output in ${a.logFile})`,
    );

    // Committed with member epochs: the group, now empty, has the offset of every partition that got
    // records at its end (the producer's sticky partitioner may leave a partition empty).
    const written = [...new Set([...first.acked, ...second.acked].map((r) => r.partition))].sort((x, y) => x - y);
    const described = (await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'describe', ['--describe', '--group', group]))
      .filter((c) => c[0] === group && c[1] === topic)
      .map((c) => [c[2], c[5]])
      .sort();
    checkEqual(
      described,
      written.map((p) => [String(p), '0']),
      'kafka-consumer-groups --describe after both members left (PARTITION LAG)',
    );
  },
});
