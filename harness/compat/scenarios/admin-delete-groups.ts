import { check, checkEqual, expectRejection, waitUntil } from '../check.js';
import { GroupMember } from '../group-member.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-delete-groups',
  title: 'deleteGroups refuses a group with members (NON_EMPTY_GROUP), deletes an empty one with its offsets',
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('delete-group');
    const groupId = ctx.name('group');
    const producer = await ctx.producer();
    await producer.send({ topic, acks: -1, messages: [{ value: 'a' }, { value: 'b' }] });

    const member = await GroupMember.join(ctx, 'only', topic, { groupId });
    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset;
    await waitUntil(async () => (member.checkAlive(), (await committed()) === '2'), 20_000, 'the member to consume both records and commit offset 2');

    await expectRejection(admin.deleteGroups([groupId]), 'NON_EMPTY_GROUP', 'deleteGroups of a group with a member');
    await member.leave();

    // Until the coordinator has processed the LeaveGroup the group may still count as non-empty.
    let results: Awaited<ReturnType<typeof admin.deleteGroups>> = [];
    await waitUntil(
      async () => {
        results = await admin.deleteGroups([groupId]);
        return true;
      },
      10_000,
      'deleteGroups to accept the group once its member left',
    );
    checkEqual(
      results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode })),
      [{ groupId, errorCode: 0 }],
      'deleteGroups results',
    );

    check(!(await admin.listGroups()).groups.some((g) => g.groupId === groupId), 'listGroups still lists the deleted group');
    checkEqual(await committed(), '-1', 'committed offset of the deleted group (-1: none)');
  },
});
