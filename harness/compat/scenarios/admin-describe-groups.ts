import { check, checkEqual, show, waitUntil } from '../check.js';
import { GroupMember } from '../group-member.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-describe-groups',
  title: 'listGroups and describeGroups of a group while it has members (Stable, member assignments) and after they leave (Empty)',
  async run(ctx) {
    const { AssignerProtocol } = ctx.kafkajs.module;
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('groups', { partitions: 2 });
    const groupId = ctx.name('group');

    const member = await GroupMember.join(ctx, 'only', topic, { groupId });
    await waitUntil(() => (member.checkAlive(), member.assignment?.length === 2), 20_000, 'the member to be assigned both partitions');

    const listed = await admin.listGroups();
    const entry = listed.groups.find((g) => g.groupId === groupId);
    checkEqual(entry?.protocolType, 'consumer', `protocol type of ${groupId} in listGroups`);

    const describeOne = async () => {
      const { groups } = await admin.describeGroups([groupId]);
      checkEqual(groups.length, 1, 'groups described');
      return groups[0]!;
    };
    const stable = await describeOne();
    checkEqual(
      { state: stable.state, protocolType: stable.protocolType, members: stable.members.length },
      { state: 'Stable', protocolType: 'consumer', members: 1 },
      'describeGroups of a group with one member',
    );
    check(stable.protocol.length > 0, `describeGroups gives no assignment protocol: ${show(stable)}`);
    const described = stable.members[0]!;
    checkEqual(described.clientId, `compat-${ctx.scenario}`, 'client id of the member');
    check(described.clientHost.length > 0, 'describeGroups gives no client host');
    const assignment = AssignerProtocol.MemberAssignment.decode(described.memberAssignment);
    checkEqual(assignment?.assignment[topic]?.slice().sort(), [0, 1], 'assignment of the member as the coordinator holds it');

    await member.leave();
    let afterLeave = await describeOne();
    // LeaveGroup ends the membership at once; the state follows within the coordinator's own rebalance.
    await waitUntil(
      async () => {
        afterLeave = await describeOne();
        return afterLeave.state === 'Empty' && afterLeave.members.length === 0;
      },
      10_000,
      'describeGroups to show the group Empty after its member left',
      () => show({ state: afterLeave.state, members: afterLeave.members.length }),
    );

    const { groups: unknown } = await admin.describeGroups([ctx.name('never-used')]);
    checkEqual(
      { state: unknown[0]?.state, members: unknown[0]?.members.length },
      { state: 'Dead', members: 0 },
      'describeGroups of a group that never existed',
    );
  },
});
