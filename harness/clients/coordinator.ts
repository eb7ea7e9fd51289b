import { ApiKey } from '@kafka-chaos/protocol';
import { HarnessError } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { NoNodeAnswered, askRunningNodes } from './harness-listener.js';

export const CoordinatorType = { group: 0, transaction: 1 } as const;

/** The node that coordinates a consumer group or a transactional id, asked of any live node. */
export async function findCoordinator(cluster: Cluster, type: keyof typeof CoordinatorType, key: string): Promise<number> {
  try {
    return await askRunningNodes(cluster, 'kafka-chaos-coordinator', 3000, async (client) => {
      const version = Math.min(client.highestCommonVersion(ApiKey.FindCoordinator) ?? 0, 4);
      const answer = await client.send(ApiKey.FindCoordinator, version, { key, keyType: CoordinatorType[type], coordinatorKeys: [key] });
      const entry = answer.coordinators?.[0] ?? answer;
      if ((entry.errorCode ?? 0) !== 0 || entry.nodeId === undefined || entry.nodeId < 0) throw new Error(`error ${entry.errorCode}`);
      return entry.nodeId;
    });
  } catch (error) {
    if (error instanceof NoNodeAnswered) throw new HarnessError(`could not find the ${type} coordinator of "${key}" (${error.lastReason})`);
    throw error;
  }
}
