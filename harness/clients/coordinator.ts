import { ApiKey } from '@kafka-chaos/protocol';
import { WireClient } from '@kafka-chaos/protocol';
import { HarnessError, errorMessage } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';

export const CoordinatorType = { group: 0, transaction: 1 } as const;

/** The node that coordinates a consumer group or a transactional id, asked of any live node. */
export async function findCoordinator(cluster: Cluster, type: keyof typeof CoordinatorType, key: string): Promise<number> {
  let last = 'no node is running';
  for (const id of cluster.nodeIds()) {
    const node = cluster.node(id);
    if (node.state !== 'running') continue;
    const [host, port] = node.harnessAddress.split(':') as [string, string];
    let client: WireClient | undefined;
    try {
      client = await WireClient.connect({ host, port: Number(port), clientId: 'kafka-chaos-coordinator', requestTimeoutMs: 3000 });
      await client.negotiateVersions();
      const version = Math.min(client.highestCommonVersion(ApiKey.FindCoordinator) ?? 0, 4);
      const answer = await client.send(ApiKey.FindCoordinator, version, {
        key,
        keyType: CoordinatorType[type],
        coordinatorKeys: [key],
      });
      const entry = answer.coordinators?.[0] ?? answer;
      if ((entry.errorCode ?? 0) !== 0 || entry.nodeId === undefined || entry.nodeId < 0) throw new Error(`error ${entry.errorCode}`);
      return entry.nodeId;
    } catch (err) {
      last = `node ${id}: ${errorMessage(err)}`;
    } finally {
      client?.close();
    }
  }
  throw new HarnessError(`could not find the ${type} coordinator of "${key}" (${last})`);
}
