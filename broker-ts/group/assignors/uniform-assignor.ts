// Kafka's default server-side assignor, "uniform": partitions spread as evenly as the
// subscriptions allow, sticky (a member keeps the partitions of its current target it is still
// subscribed to unless balance needs them elsewhere), so a rebalance moves few partitions and
// each moved partition is revoked from one member before another gets it.
import type { Assignment } from '../topic-partition-assignment.js';
import type { AssignorInput, AssignorMember, ServerAssignor } from './assignor.js';
import { byMemberId } from './assignor.js';

export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign({ members, partitionCounts }: AssignorInput): Map<string, Assignment> {
    const ordered = byMemberId(members);
    const owned = new Map<string, string[]>(ordered.map((m) => [m.memberId, []]));
    const ownerOf = new Map<string, string>();
    const key = (topicId: string, partition: number) => `${topicId}:${partition}`;
    const eligible = (member: AssignorMember, topicId: string) => member.subscribedTopicIds.has(topicId);

    // Stickiness: what a member had and may still have stays with it.
    for (const member of ordered) {
      for (const [topicId, partitions] of member.currentTarget) {
        const count = partitionCounts.get(topicId);
        if (count === undefined || !eligible(member, topicId)) continue;
        for (const p of [...partitions].sort((a, b) => a - b)) {
          const k = key(topicId, p);
          if (p >= count || ownerOf.has(k)) continue;
          ownerOf.set(k, member.memberId);
          owned.get(member.memberId)!.push(k);
        }
      }
    }

    const load = (memberId: string) => owned.get(memberId)!.length;
    const leastLoaded = (topicId: string) =>
      ordered
        .filter((m) => eligible(m, topicId))
        .reduce<AssignorMember | undefined>((best, m) => (best === undefined || load(m.memberId) < load(best.memberId) ? m : best), undefined);

    // Every partition no one kept goes to the least loaded member subscribed to its topic.
    for (const topicId of [...partitionCounts.keys()].sort()) {
      const count = partitionCounts.get(topicId)!;
      for (let p = 0; p < count; p++) {
        const k = key(topicId, p);
        if (ownerOf.has(k)) continue;
        const member = leastLoaded(topicId);
        if (member === undefined) continue;
        ownerOf.set(k, member.memberId);
        owned.get(member.memberId)!.push(k);
      }
    }

    // Balance: move a partition from a member holding two or more than another member that could
    // take it, until no such move is left (each move narrows the spread, so this ends).
    for (let moved = true; moved;) {
      moved = false;
      for (const from of [...ordered].sort((a, b) => load(b.memberId) - load(a.memberId))) {
        const partitions = owned.get(from.memberId)!;
        for (let i = partitions.length - 1; i >= 0 && !moved; i--) {
          const topicId = partitions[i]!.slice(0, partitions[i]!.lastIndexOf(':'));
          const to = leastLoaded(topicId);
          if (to === undefined || load(from.memberId) - load(to.memberId) < 2) continue;
          const [k] = partitions.splice(i, 1);
          owned.get(to.memberId)!.push(k!);
          ownerOf.set(k!, to.memberId);
          moved = true;
        }
        if (moved) break;
      }
    }

    const result = new Map<string, Assignment>();
    for (const member of ordered) {
      const assignment = new Map<string, Set<number>>();
      for (const k of owned.get(member.memberId)!) {
        const at = k.lastIndexOf(':');
        const topicId = k.slice(0, at);
        const set = assignment.get(topicId) ?? new Set<number>();
        set.add(Number(k.slice(at + 1)));
        assignment.set(topicId, set);
      }
      result.set(member.memberId, assignment);
    }
    return result;
  },
};
