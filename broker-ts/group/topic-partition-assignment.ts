// A set of partitions keyed by topic id, as KIP-848 assignments name them (Kafka's
// Map<Uuid, Set<Integer>>), with the conversions to and from the wire and record layouts.

export type Assignment = ReadonlyMap<string, ReadonlySet<number>>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();

/** Topics and partitions as the protocol and the records list them; an empty list drops out. */
export function assignmentFromList(list: readonly { topicId: string; partitions: readonly number[] }[]): Assignment {
  const assignment = new Map<string, Set<number>>();
  for (const { topicId, partitions } of list) {
    if (partitions.length === 0) continue;
    const set = assignment.get(topicId) ?? new Set<number>();
    for (const p of partitions) set.add(p);
    assignment.set(topicId, set);
  }
  return assignment;
}

/** Sorted by topic id then partition, so equal assignments encode the same. */
export function assignmentToList(assignment: Assignment): { topicId: string; partitions: number[] }[] {
  return [...assignment.entries()]
    .filter(([, partitions]) => partitions.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topicId, partitions]) => ({ topicId, partitions: [...partitions].sort((a, b) => a - b) }));
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  const topics = new Set([...a.keys(), ...b.keys()]);
  for (const topic of topics) {
    const x = a.get(topic) ?? new Set<number>();
    const y = b.get(topic) ?? new Set<number>();
    if (x.size !== y.size) return false;
    for (const p of x) if (!y.has(p)) return false;
  }
  return true;
}

export function assignmentSize(assignment: Assignment): number {
  let size = 0;
  for (const partitions of assignment.values()) size += partitions.size;
  return size;
}

/** Each topic-partition of the assignment once. */
export function* assignedPartitions(assignment: Assignment): Generator<{ topicId: string; partition: number }> {
  for (const [topicId, partitions] of assignment) for (const partition of partitions) yield { topicId, partition };
}

/** Whether every partition of `owned` is in `assignment` (Kafka's isSubset of a heartbeat's owned partitions). */
export function isSubsetOf(owned: Assignment, assignment: Assignment): boolean {
  for (const [topicId, partitions] of owned) {
    const assigned = assignment.get(topicId);
    for (const p of partitions) if (assigned === undefined || !assigned.has(p)) return false;
  }
  return true;
}

/** Whether the two assignments share a partition. */
export function intersects(a: Assignment, b: Assignment): boolean {
  for (const [topicId, partitions] of a) {
    const other = b.get(topicId);
    if (other === undefined) continue;
    for (const p of partitions) if (other.has(p)) return true;
  }
  return false;
}
