// Partition reassignment (KIP-455) from the harness: AlterPartitionReassignments and
// ListPartitionReassignments sent to a node's harness listener (brokers forward both to the active
// controller). kafkajs has neither.
import { ApiKey, errorName } from '@kafka-chaos/protocol';
import { HarnessError } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { NoNodeAnswered, askRunningNodes } from './harness-listener.js';

export interface OngoingMove {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** Starts moving a partition to `replicas`; throws with the broker's error when it refuses. */
export async function reassignPartition(cluster: Cluster, topic: string, partition: number, replicas: readonly number[]): Promise<void> {
  await ask(cluster, 'reassign', async (client) => {
    const answer = await client.send(ApiKey.AlterPartitionReassignments, 0, {
      timeoutMs: 10_000,
      topics: [{ name: topic, partitions: [{ partitionIndex: partition, replicas: [...replicas] }] }],
    });
    const result = answer.responses[0]?.partitions[0];
    const code = answer.errorCode !== 0 ? answer.errorCode : (result?.errorCode ?? -1);
    if (code !== 0) {
      throw new HarnessError(
        `AlterPartitionReassignments of ${topic}-${partition} to [${replicas.join(', ')}]: ${code < 0 ? 'no answer for the partition' : errorName(code)} ${answer.errorMessage ?? result?.errorMessage ?? ''}`.trim(),
      );
    }
  });
}

/** The partition's ongoing move, or undefined when none is going on. */
export async function ongoingMove(cluster: Cluster, topic: string, partition: number): Promise<OngoingMove | undefined> {
  return ask(cluster, 'reassignments', async (client) => {
    const answer = await client.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: topic, partitionIndexes: [partition] }] });
    if (answer.errorCode !== 0) throw new Error(`ListPartitionReassignments: ${errorName(answer.errorCode)}`);
    const move = answer.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition);
    return move === undefined ? undefined : { replicas: move.replicas, addingReplicas: move.addingReplicas, removingReplicas: move.removingReplicas };
  });
}

async function ask<T>(cluster: Cluster, what: string, exchange: Parameters<typeof askRunningNodes<T>>[3]): Promise<T> {
  try {
    return await askRunningNodes(cluster, `kafka-chaos-${what}`, 10_000, exchange);
  } catch (error) {
    if (error instanceof NoNodeAnswered) throw new HarnessError(`${what}: no node answered (${error.lastReason})`);
    throw error;
  }
}
