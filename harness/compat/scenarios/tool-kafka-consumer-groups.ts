import { check, checkEqual, show } from '../check.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';

const PER_PARTITION = 10;

export default defineScenario({
  name: 'tool-kafka-consumer-groups',
  title:
    "Kafka's kafka-consumer-groups tool on a group without members: reset offsets (OffsetCommit), list, describe (with the lag), delete offsets of one partition (OffsetDelete), delete the group",
  needs: { tools: ['java'] },
  timeoutMs: 120_000,
  async run(ctx) {
    const topic = await ctx.createTopic('groups-tool', { partitions: 2 });
    const group = ctx.name('groups-tool');
    const producer = await ctx.producer();
    await producer.send({
      topic,
      acks: -1,
      messages: [0, 1].flatMap((partition) => Array.from({ length: PER_PARTITION }, (_, i) => ({ partition, value: `p${partition}-${i}` }))),
    });

    // --reset-offsets commits through the admin client, which makes the group.
    const reset = await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'reset', [
      '--reset-offsets',
      '--group',
      group,
      '--topic',
      topic,
      '--to-offset',
      '3',
      '--execute',
    ]);
    // In the order the tool's admin client got the partitions' offsets back: one request per leader.
    checkEqual(
      reset
        .filter((c) => c[1] === topic)
        .map((c) => c.slice(1))
        .sort((a, b) => a[1]!.localeCompare(b[1]!)),
      [
        [topic, '0', '3'],
        [topic, '1', '3'],
      ],
      'kafka-consumer-groups --reset-offsets (GROUP TOPIC PARTITION NEW-OFFSET)',
    );
    const listed = await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'list', ['--list']);
    check(
      listed.some((c) => c[0] === group),
      `kafka-consumer-groups --list does not show ${group}: ${show(listed)}`,
    );

    // describe: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
    const describe = async (step: string) =>
      (await kafkaToolColumns(ctx, 'kafka-consumer-groups', step, ['--describe', '--group', group]))
        .filter((c) => c[0] === group && c[1] === topic)
        .map((c) => c.slice(2, 6))
        .sort((a, b) => a[0]!.localeCompare(b[0]!));
    checkEqual(
      await describe('describe'),
      [
        ['0', '3', String(PER_PARTITION), String(PER_PARTITION - 3)],
        ['1', '3', String(PER_PARTITION), String(PER_PARTITION - 3)],
      ],
      'kafka-consumer-groups --describe (PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG)',
    );

    const deleted = await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'delete-offsets', ['--delete-offsets', '--group', group, '--topic', `${topic}:0`]);
    checkEqual(
      deleted.filter((c) => c[0] === topic),
      [[topic, '0', 'Successful']],
      'kafka-consumer-groups --delete-offsets (TOPIC PARTITION STATUS)',
    );
    checkEqual(
      await describe('describe-after'),
      [['1', '3', String(PER_PARTITION), String(PER_PARTITION - 3)]],
      'kafka-consumer-groups --describe after the offsets of partition 0 were deleted',
    );

    const gone = await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'delete', ['--delete', '--group', group]);
    check(
      gone.some((c) => c.join(' ').includes('was successful')),
      `kafka-consumer-groups --delete: ${show(gone)}`,
    );
    const after = await kafkaToolColumns(ctx, 'kafka-consumer-groups', 'list-after', ['--list']);
    check(!after.some((c) => c[0] === group), `kafka-consumer-groups --list still shows ${group} after --delete`);
  },
});
