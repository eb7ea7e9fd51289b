import { check, checkEqual, show, waitUntil } from '../check.js';
import type { ScenarioContext } from '../context.js';
import { GroupMember } from '../group-member.js';
import { text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const PARTITIONS = 6;
const PER_PARTITION = 10;
const ALL = Array.from({ length: PARTITIONS }, (_, p) => p);

/** Members after each change: three join one by one, then two leave. */
const CHANGES: { join?: string; leave?: string }[] = [{ join: 'a' }, { join: 'b' }, { join: 'c' }, { leave: 'b' }, { leave: 'a' }];

/** Why the members' latest assignments are not one complete, disjoint, balanced split, or undefined if they are. */
function splitProblem(members: GroupMember[]): string | undefined {
  const taken = new Map<number, string>();
  for (const m of members) {
    if (m.assignment === undefined) return `${m.name} has no assignment yet`;
    for (const p of m.assignment) {
      if (taken.has(p)) return `partition ${p} is assigned to ${taken.get(p)} and ${m.name}`;
      taken.set(p, m.name);
    }
  }
  const missing = ALL.filter((p) => !taken.has(p));
  if (missing.length) return `partitions ${missing.join(', ')} are assigned to no one`;
  const sizes = members.map((m) => m.assignment!.length);
  if (Math.max(...sizes) - Math.min(...sizes) > 1) return `unbalanced: ${show(members.map((m) => [m.name, m.assignment]))}`;
  return undefined;
}

async function waitCommitted(ctx: ScenarioContext, groupId: string, topic: string, offset: number): Promise<void> {
  const admin = await ctx.admin();
  let committed: string[] = [];
  await waitUntil(
    async () => {
      const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
      committed = (fetched?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset);
      return committed.length === PARTITIONS && committed.every((o) => o === String(offset));
    },
    15_000,
    `the group to commit offset ${offset} on every partition`,
    () => `committed: ${show(committed)}`,
  );
}

export default defineScenario({
  name: 'consume-group-rebalance',
  title: `a group of up to 3 members over ${PARTITIONS} partitions, members joining and leaving: each generation splits the partitions completely and evenly, every record is consumed once, by the owner of its partition`,
  timeoutMs: 150_000,
  async run(ctx) {
    const topic = await ctx.createTopic('rebalance', { partitions: PARTITIONS });
    const groupId = ctx.name('group');
    const producer = await ctx.producer();
    const members = new Map<string, GroupMember>();
    const everyone: GroupMember[] = [];

    for (const [generation, change] of CHANGES.entries()) {
      if (change.join) {
        const member = await GroupMember.join(ctx, change.join, topic, { groupId });
        members.set(change.join, member);
        everyone.push(member);
      }
      if (change.leave) {
        await members.get(change.leave)!.leave();
        members.delete(change.leave);
      }
      const current = [...members.values()];
      const names = current.map((m) => m.name).join(', ');
      let problem: string | undefined;
      await waitUntil(
        () => {
          for (const m of current) m.checkAlive();
          problem = splitProblem(current);
          return problem === undefined;
        },
        45_000,
        `the partitions to be split among ${names} after ${change.join ? `${change.join} joined` : `${change.leave} left`}`,
        () => problem ?? '',
      );
      const owners = new Map(current.flatMap((m) => m.assignment!.map((p) => [p, m.name] as const)));

      const values = ALL.flatMap((p) => Array.from({ length: PER_PARTITION }, (_, i) => ({ partition: p, value: `g${generation}-p${p}-${i}` })));
      await producer.send({ topic, acks: -1, messages: values });
      const consumedBy = () =>
        current.flatMap((m) =>
          m.records.filter((r) => text(r.value)?.startsWith(`g${generation}-`)).map((r) => ({ member: m.name, partition: r.partition, value: text(r.value) })),
        );
      await waitUntil(
        () => new Set(consumedBy().map((c) => c.value)).size === values.length,
        20_000,
        `the ${values.length} records of generation ${generation} to be consumed by ${names}`,
        () => `${new Set(consumedBy().map((c) => c.value)).size} consumed`,
      );
      const wrongOwner = consumedBy().filter((c) => owners.get(c.partition) !== c.member);
      check(wrongOwner.length === 0, `generation ${generation}: records consumed by a member that does not own their partition: ${show(wrongOwner)}`);
      await waitCommitted(ctx, groupId, topic, (generation + 1) * PER_PARTITION);
    }

    // Offsets committed before every change: no record may come again after a rebalance.
    const allRecords = everyone.flatMap((m) => m.records.map((r) => text(r.value)));
    checkEqual(allRecords.length, new Set(allRecords).size, 'records consumed, counting repeats (against distinct records)');
  },
});
