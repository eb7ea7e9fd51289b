import type { Cluster, RuntimeCapability } from './cluster.js';
import type { ClusterRequest, RuntimeKind } from './cluster-request.js';

/**
 * Where a cluster's nodes and toxiproxy run. A runtime sets up what its nodes need and hands a
 * NodeDriver to NodeCluster (node-cluster.ts), which does the rest alike for every runtime; the
 * list of runtimes is start-cluster.ts's.
 */
export interface Runtime {
  readonly kind: RuntimeKind;
  /** What it offers beyond the operations every Cluster has (fault kinds name what they need). */
  readonly capabilities: readonly RuntimeCapability[];
  /** Fails at once, with one clear message, when the runtime cannot work on this machine. */
  preflight(): Promise<void>;
  start(request: ClusterRequest): Promise<Cluster>;
}
