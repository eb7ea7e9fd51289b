import { checkEqual, show, waitUntil } from '../check.js';
import { GroupMember } from '../group-member.js';
import { defineScenario } from '../scenario.js';

const RECORDS = 20;

export default defineScenario({
  name: 'consume-seek',
  title: 'seek back to an earlier offset re-reads from there; seek to the end reads only what is written next',
  async run(ctx) {
    const topic = await ctx.createTopic('seek');
    const producer = await ctx.producer();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: RECORDS }, (_, i) => ({ partition: 0, value: `r${i}` })) });

    const member = await GroupMember.join(ctx, 'seeker', topic, { groupId: ctx.name('group') });
    const consumer = member.kafkajsConsumer;
    const offsetsFrom = (start: number) => member.records.slice(start).map((r) => r.offset);
    const readUpTo = async (start: number, last: number, what: string) => {
      await waitUntil(
        () => (member.checkAlive(), offsetsFrom(start).includes(last)),
        15_000,
        what,
        () => `offsets read: ${show(offsetsFrom(start))}`,
      );
      return offsetsFrom(start);
    };
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

    checkEqual(await readUpTo(0, RECORDS - 1, 'the first pass over the topic'), range(0, RECORDS), 'offsets of the first pass');

    let mark = member.records.length;
    consumer.seek({ topic, partition: 0, offset: '5' });
    checkEqual(await readUpTo(mark, RECORDS - 1, 'a re-read after seeking to offset 5'), range(5, RECORDS), 'offsets after seeking back to 5');

    mark = member.records.length;
    consumer.seek({ topic, partition: 0, offset: String(RECORDS) });
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'after-seek' }] });
    checkEqual(await readUpTo(mark, RECORDS, 'the record written after seeking to the end'), [RECORDS], 'offsets after seeking to the end');
  },
});
