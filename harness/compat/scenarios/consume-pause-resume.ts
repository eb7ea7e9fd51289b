import { check, checkEqual, show, sleep, waitUntil } from '../check.js';
import { GroupMember } from '../group-member.js';
import { text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'consume-pause-resume',
  title: 'pausing one partition stops its records while the other keeps flowing; resuming delivers them',
  async run(ctx) {
    const topic = await ctx.createTopic('pause', { partitions: 2 });
    const producer = await ctx.producer();
    const write = (round: string) =>
      producer.send({ topic, acks: -1, messages: [0, 1].flatMap((partition) => [0, 1, 2].map((i) => ({ partition, value: `${round}-p${partition}-${i}` }))) });
    const member = await GroupMember.join(ctx, 'pauser', topic, { groupId: ctx.name('group') });
    const consumer = member.kafkajsConsumer;
    const valuesOf = (partition: number) => member.records.filter((r) => r.partition === partition).map((r) => text(r.value));
    const waitFor = (partition: number, value: string, what: string) =>
      waitUntil(
        () => (member.checkAlive(), valuesOf(partition).includes(value)),
        15_000,
        what,
        () => show(valuesOf(partition)),
      );

    await write('before');
    await waitFor(0, 'before-p0-2', 'partition 0 to be read before the pause');
    await waitFor(1, 'before-p1-2', 'partition 1 to be read before the pause');

    consumer.pause([{ topic, partitions: [0] }]);
    checkEqual(consumer.paused(), [{ topic, partitions: [0] }], 'paused() after pausing partition 0');
    await write('paused');
    await waitFor(1, 'paused-p1-2', 'partition 1 to keep flowing while partition 0 is paused');
    // Partition 1's records arrived, so partition 0's would have by now; a little longer makes sure.
    await sleep(1500);
    const leaked = valuesOf(0).filter((v) => v?.startsWith('paused-'));
    check(leaked.length === 0, `records of the paused partition were delivered: ${show(leaked)}`);

    consumer.resume([{ topic, partitions: [0] }]);
    await waitFor(0, 'paused-p0-2', 'partition 0 to deliver its records after resume');
    checkEqual(
      valuesOf(0),
      ['before-p0-0', 'before-p0-1', 'before-p0-2', 'paused-p0-0', 'paused-p0-1', 'paused-p0-2'],
      'records of partition 0, each once, in order',
    );
  },
});
