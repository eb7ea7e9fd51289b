// The harness's own wire connections to a node: over the node's harness listener, with the
// cluster's security (--security), versions negotiated. Coordinator lookups, the quorum and
// partition probes all connect this way, so none of them misses TLS or SASL.
import { WireClient } from '@kafka-chaos/protocol';
import { errorMessage } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { wireClientSecurity } from '../security/cluster-security.js';

/** Connects to one node's harness listener. */
export async function connectToNode(cluster: Cluster, nodeId: number, clientId: string, requestTimeoutMs: number): Promise<WireClient> {
  const [host, port] = cluster.node(nodeId).harnessAddress.split(':') as [string, string];
  const client = await WireClient.connect({ host, port: Number(port), clientId, requestTimeoutMs, ...wireClientSecurity(cluster.clientSecurity) });
  try {
    await client.negotiateVersions();
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/**
 * Asks the running nodes in turn (`nodes`, or every node) until one answers; `ask` throws to pass
 * to the next. Throws with the last node's reason when none answers.
 */
export async function askRunningNodes<T>(
  cluster: Cluster,
  clientId: string,
  requestTimeoutMs: number,
  ask: (client: WireClient, nodeId: number) => Promise<T>,
  nodes: readonly number[] = cluster.nodeIds(),
): Promise<T> {
  let last = 'no node is running';
  for (const id of nodes) {
    if (cluster.node(id).state !== 'running') continue;
    let client: WireClient | undefined;
    try {
      client = await connectToNode(cluster, id, clientId, requestTimeoutMs);
      return await ask(client, id);
    } catch (err) {
      last = `node ${id}: ${errorMessage(err)}`;
    } finally {
      client?.close();
    }
  }
  throw new NoNodeAnswered(last);
}

export class NoNodeAnswered extends Error {
  constructor(readonly lastReason: string) {
    super(`no node answered (${lastReason})`);
    this.name = 'NoNodeAnswered';
  }
}
