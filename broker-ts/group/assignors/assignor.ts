// A server-side assignor of the KIP-848 protocol (Kafka's ConsumerGroupPartitionAssignor): from the
// members' subscriptions, the subscribed topics' partition counts and the current target
// assignment, the next target assignment of every member.
import type { Assignment } from '../topic-partition-assignment.js';

export interface AssignorMember {
  memberId: string;
  /** Topic ids the member subscribes to that exist. */
  subscribedTopicIds: ReadonlySet<string>;
  /** The member's target assignment before this one, which a sticky assignor keeps where it can. */
  currentTarget: Assignment;
}

export interface AssignorInput {
  members: readonly AssignorMember[];
  /** Topic id -> number of partitions, for every subscribed topic that exists. */
  partitionCounts: ReadonlyMap<string, number>;
}

export interface ServerAssignor {
  /** The name members ask for (ConsumerGroupHeartbeat's ServerAssignor) and group.consumer.assignors lists. */
  readonly name: string;
  assign(input: AssignorInput): Map<string, Assignment>;
}

/** Members in a stable order, so an assignment does not depend on the order members joined. */
export function byMemberId(members: readonly AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}
