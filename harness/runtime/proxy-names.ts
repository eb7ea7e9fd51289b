// The toxiproxy proxies of a cluster, named alike on every runtime: one in front of each node's
// client, replication and controller listener (the address the node advertises), plus one per
// ordered pair of nodes for controller (Raft and broker-to-controller) traffic, so that cutting a
// node's controller traffic isolates it from the quorum in both directions.
import type { ListenerKind } from './cluster.js';

/** The proxy in front of a node's listener, which that node advertises. */
export function listenerProxyName(node: number, listener: ListenerKind): string {
  return `n${node}-${listener}`;
}

/** The proxy controller traffic from node `from` to node `to` crosses. */
export function pairProxyName(from: number, to: number): string {
  return `n${from}-to-n${to}-controller`;
}

/** Every proxy that carries one kind of traffic to or from `node` (see Cluster.proxyNames). */
export function proxyNamesOf(node: number, listener: ListenerKind, nodeIds: readonly number[]): string[] {
  if (listener !== 'controller') return [listenerProxyName(node, listener)];
  const peers = nodeIds.filter((n) => n !== node);
  return [listenerProxyName(node, 'controller'), ...peers.map((p) => pairProxyName(p, node)), ...peers.map((p) => pairProxyName(node, p))];
}
