import { provisionKafka } from '../provision/kafka.js';
import type { BrokerKind, Cluster, RuntimeCapability } from './cluster.js';
import type { ClusterRequest, RuntimeKind } from './cluster-request.js';
import { dockerRuntime } from './docker/docker-runtime.js';
import { BrokerTsLauncher } from './process/broker-ts-launcher.js';
import { processRuntime } from './process/process-runtime.js';
import type { Runtime } from './runtime.js';

export type { ClusterRequest, RuntimeKind } from './cluster-request.js';

/** Every runtime `--runtime` can name; the first is the default. */
export const RUNTIMES: readonly Runtime[] = [processRuntime, dockerRuntime];
export const RUNTIME_KINDS: readonly RuntimeKind[] = RUNTIMES.map((r) => r.kind);

export function runtimeOf(kind: RuntimeKind): Runtime {
  const runtime = RUNTIMES.find((r) => r.kind === kind);
  if (!runtime) throw new Error(`no runtime ${kind}`);
  return runtime;
}

/** What each runtime offers beyond the operations every Cluster has. */
export const RUNTIME_CAPABILITIES = Object.fromEntries(RUNTIMES.map((r) => [r.kind, r.capabilities])) as Record<RuntimeKind, readonly RuntimeCapability[]>;

export async function startCluster(request: ClusterRequest): Promise<Cluster> {
  return runtimeOf(request.runtime ?? RUNTIMES[0]!.kind).start(request);
}

/** The version a cluster of `broker` would run, without starting one (for results of runs that did not start). */
export async function brokerVersionOf(broker: BrokerKind, kafkaVersion?: string): Promise<string> {
  if (broker === 'kafka') return (await provisionKafka(kafkaVersion)).version;
  return new BrokerTsLauncher().version;
}
