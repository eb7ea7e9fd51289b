import { checkEqual, show, sleep, waitUntil } from '../check.js';
import { GroupMember } from '../group-member.js';
import { defineScenario } from '../scenario.js';

const PER_PARTITION = 10;

export default defineScenario({
  name: 'consume-commit-offsets',
  title: 'manual commitOffsets (with metadata) is what fetchOffsets reports and where the group resumes; auto-commit and admin setOffsets likewise',
  timeoutMs: 90_000,
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('commit', { partitions: 2 });
    const groupId = ctx.name('group');
    const producer = await ctx.producer();
    await producer.send({
      topic,
      acks: -1,
      messages: [0, 1].flatMap((partition) => Array.from({ length: PER_PARTITION }, (_, i) => ({ partition, value: `p${partition}-${i}` }))),
    });
    const committed = async () => {
      const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (fetched?.partitions ?? [])
        .map((p) => ({ partition: p.partition, offset: p.offset, metadata: p.metadata }))
        .sort((a, b) => a.partition - b.partition);
    };
    /** Joins, reads until the last record of both partitions, leaves; returns [partition, offset] read. */
    const readAs = async (name: string, autoCommit: boolean, beforeLeaving?: (m: GroupMember) => Promise<void>) => {
      const member = await GroupMember.join(ctx, name, topic, { groupId }, { autoCommit });
      const read = () => member.records.map((r) => [r.partition, r.offset]);
      await waitUntil(
        () => (member.checkAlive(), [0, 1].every((p) => member.records.some((r) => r.partition === p && r.offset === PER_PARTITION - 1))),
        20_000,
        `${name} to read both partitions to their end`,
        () => show(read()),
      );
      // Anything read twice would show up by now.
      await sleep(500);
      await beforeLeaving?.(member);
      await member.leave();
      return read();
    };
    const expectedFrom = (p0: number, p1: number) => [
      ...Array.from({ length: PER_PARTITION - p0 }, (_, i) => [0, p0 + i]),
      ...Array.from({ length: PER_PARTITION - p1 }, (_, i) => [1, p1 + i]),
    ];
    const sorted = (pairs: number[][]) => [...pairs].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);

    const first = await readAs('manual', false, async (member) => {
      checkEqual(
        await committed(),
        [0, 1].map((partition) => ({ partition, offset: '-1', metadata: null })),
        'committed offsets before any commit (autoCommit off)',
      );
      await member.kafkajsConsumer.commitOffsets([
        { topic, partition: 0, offset: '4', metadata: 'checkpoint-a' },
        { topic, partition: 1, offset: '7', metadata: null },
      ]);
      checkEqual(
        await committed(),
        [
          { partition: 0, offset: '4', metadata: 'checkpoint-a' },
          { partition: 1, offset: '7', metadata: null },
        ],
        'fetchOffsets after commitOffsets',
      );
    });
    checkEqual(sorted(first), expectedFrom(0, 0), 'records read by the first member (from the beginning)');

    const second = await readAs('auto', true);
    checkEqual(sorted(second), expectedFrom(4, 7), 'records read by a member resuming from the committed offsets 4 and 7');
    let last: unknown;
    await waitUntil(
      async () => {
        const now = await committed();
        last = now;
        return now.length === 2 && now.every((p) => p.offset === String(PER_PARTITION));
      },
      10_000,
      'the second member to auto-commit the end of both partitions',
      () => show(last),
    );

    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '0' },
      ],
    });
    const third = await readAs('after-setOffsets', true);
    checkEqual(sorted(third), expectedFrom(2, 0), 'records read by a member after admin setOffsets to 2 and 0');
  },
});
