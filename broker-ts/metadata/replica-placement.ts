// Where a new partition's replicas go: striped over the registered brokers from a random start, so
// leaders (the first replica) spread over the cluster as with Kafka's default placer.
import { ApiError } from '../errors/api-error.js';

export function placeReplicas(brokerIds: readonly number[], firstPartition: number, partitionCount: number, replicationFactor: number): number[][] {
  if (replicationFactor > brokerIds.length) {
    throw ApiError.of(
      'INVALID_REPLICATION_FACTOR',
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokerIds.length} broker(s) are registered.`,
    );
  }
  const start = Math.floor(Math.random() * brokerIds.length);
  const assignments: number[][] = [];
  for (let p = firstPartition; p < firstPartition + partitionCount; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) replicas.push(brokerIds[(start + p + r) % brokerIds.length]!);
    assignments.push(replicas);
  }
  return assignments;
}

/**
 * Checks replicas given by a client: CreateTopics and CreatePartitions assignments name their
 * partition in the message, reassignments do not (as Kafka words them).
 */
export function validateAssignment(replicas: readonly number[], registered: ReadonlySet<number>, partition?: number): void {
  if (replicas.length === 0) throw ApiError.of('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes an empty replica list.`);
  if (new Set(replicas).size !== replicas.length) {
    throw ApiError.of(
      'INVALID_REPLICA_ASSIGNMENT',
      `The manual partition assignment includes the broker ${replicas.find((r, i) => replicas.indexOf(r) !== i)} more than once.`,
    );
  }
  for (const id of replicas) {
    if (!registered.has(id)) {
      throw ApiError.of(
        'INVALID_REPLICA_ASSIGNMENT',
        `The manual partition assignment includes broker ${id}, but no such broker is registered${partition === undefined ? '' : ` (partition ${partition})`}.`,
      );
    }
  }
}
