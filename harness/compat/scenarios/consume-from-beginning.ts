import { check, checkEqual, show, sleep, waitUntil } from '../check.js';
import { GroupMember } from '../group-member.js';
import { text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const OLD = 10;
const NEW = 10;

export default defineScenario({
  name: 'consume-from-beginning',
  title: 'a new group with fromBeginning reads what was written before it joined; without it, only what comes after',
  async run(ctx) {
    const topic = await ctx.createTopic('beginning', { partitions: 2 });
    const producer = await ctx.producer();
    const send = (values: string[]) => producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ partition: i % 2, value })) });
    const old = Array.from({ length: OLD }, (_, i) => `old-${i}`);
    await send(old);

    const early = await GroupMember.join(ctx, 'fromBeginning', topic, { groupId: ctx.name('early') }, { fromBeginning: true });
    const late = await GroupMember.join(ctx, 'latest', topic, { groupId: ctx.name('late') }, { fromBeginning: false });
    // The latest offset is looked up some time after joining; until then, markers written now may
    // or may not be seen. Once one marker arrives on each partition, everything after is seen.
    let markers = 0;
    await waitUntil(
      async () => {
        early.checkAlive();
        late.checkAlive();
        await send([`marker-${markers++}`, `marker-${markers++}`]);
        await sleep(200);
        return new Set(late.records.filter((r) => text(r.value)?.startsWith('marker-')).map((r) => r.partition)).size === 2;
      },
      20_000,
      'the group without fromBeginning to start reading',
    );
    const fresh = Array.from({ length: NEW }, (_, i) => `new-${i}`);
    await send(fresh);
    const valuesOf = (m: GroupMember) => m.records.map((r) => text(r.value) ?? '');
    await waitUntil(
      () => [early, late].every((m) => fresh.every((v) => valuesOf(m).includes(v))),
      15_000,
      'both groups to read the records written after they started',
      () => show({ early: valuesOf(early).length, late: valuesOf(late).length }),
    );

    const lateOld = valuesOf(late).filter((v) => v.startsWith('old-'));
    check(lateOld.length === 0, `the group without fromBeginning read records written before it joined: ${show(lateOld)}`);
    checkEqual(
      valuesOf(early)
        .filter((v) => v.startsWith('old-'))
        .sort(),
      [...old].sort(),
      'records written before joining, read by the fromBeginning group',
    );
    const dup = (m: GroupMember) => valuesOf(m).length - new Set(valuesOf(m)).size;
    checkEqual([dup(early), dup(late)], [0, 0], 'records read twice by [fromBeginning group, latest group]');
  },
});
