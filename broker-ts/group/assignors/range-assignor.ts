// Kafka's server-side "range" assignor: topic by topic, the members subscribed to it (in member id
// order) get contiguous ranges of its partitions, the first (partitions % members) one more, so
// members subscribed to co-partitioned topics get the same partition numbers of each.
import type { Assignment } from '../topic-partition-assignment.js';
import type { AssignorInput, ServerAssignor } from './assignor.js';
import { byMemberId } from './assignor.js';

export const rangeAssignor: ServerAssignor = {
  name: 'range',
  assign({ members, partitionCounts }: AssignorInput): Map<string, Assignment> {
    const result = new Map<string, Map<string, Set<number>>>(members.map((m) => [m.memberId, new Map()]));
    const ordered = byMemberId(members);
    for (const [topicId, count] of partitionCounts) {
      const subscribers = ordered.filter((m) => m.subscribedTopicIds.has(topicId));
      if (subscribers.length === 0) continue;
      const quota = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      let next = 0;
      subscribers.forEach((member, i) => {
        const size = quota + (i < extra ? 1 : 0);
        if (size === 0) return;
        const partitions = new Set<number>();
        for (let p = next; p < next + size; p++) partitions.add(p);
        next += size;
        result.get(member.memberId)!.set(topicId, partitions);
      });
    }
    return result;
  },
};
