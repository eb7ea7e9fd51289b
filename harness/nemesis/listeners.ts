import { z } from 'zod';
import { LISTENER_KINDS, type Cluster, type ListenerKind } from '../runtime/cluster.js';

/** Which of a node's listeners a network fault applies to; "all" means client, replication and controller. */
export const listenersParam = z
  .array(z.enum(['client', 'replication', 'controller', 'all']))
  .min(1)
  .default(['all']);

export function expandListeners(listeners: readonly string[]): ListenerKind[] {
  return listeners.includes('all') ? [...LISTENER_KINDS] : (listeners as ListenerKind[]);
}

/** The distinct proxies that carry the named kinds of traffic of the given nodes. */
export function proxiesOf(cluster: Cluster, nodes: number[], listeners: readonly string[]): string[] {
  const kinds = expandListeners(listeners);
  return [...new Set(nodes.flatMap((n) => kinds.flatMap((l) => cluster.proxyNames(n, l))))];
}
