import { provisionKafka } from '../provision/kafka.js';
import type { BrokerKind, Cluster, RuntimeCapability } from './cluster.js';
import type { ClusterRequest, RuntimeKind } from './cluster-request.js';
import { BrokerTsLauncher } from './process/broker-ts-launcher.js';
import { KafkaLauncher } from './process/kafka-launcher.js';
import type { NodeLauncher } from './process/launcher.js';
import { ProcessCluster } from './process/process-cluster.js';

export type { ClusterRequest, RuntimeKind } from './cluster-request.js';
export const RUNTIME_KINDS: readonly RuntimeKind[] = ['process', 'docker'];

/** What each runtime offers beyond the operations every Cluster has. */
export const RUNTIME_CAPABILITIES: Record<RuntimeKind, readonly RuntimeCapability[]> = {
  process: [],
  docker: ['network-partitions'],
};

async function launcherFor(request: ClusterRequest): Promise<NodeLauncher> {
  if (request.broker === 'kafka') return new KafkaLauncher(await provisionKafka(request.kafkaVersion));
  return new BrokerTsLauncher();
}

export async function startCluster(request: ClusterRequest): Promise<Cluster> {
  const runtime = request.runtime ?? 'process';
  if (runtime === 'docker') {
    // Loaded on demand: runs on the process runtime need neither testcontainers nor an engine.
    const { startDockerCluster } = await import('./docker/start-docker-cluster.js');
    return startDockerCluster(request);
  }
  return ProcessCluster.start({
    launcher: await launcherFor(request),
    nodes: request.nodes,
    brokerConfig: request.brokerConfig,
    logDir: request.logDir,
    ...(request.security !== undefined ? { security: request.security } : {}),
  });
}

/** The version a cluster of `broker` would run, without starting one (for results of runs that did not start). */
export async function brokerVersionOf(broker: BrokerKind, kafkaVersion?: string): Promise<string> {
  if (broker === 'kafka') return (await provisionKafka(kafkaVersion)).version;
  return new BrokerTsLauncher().version;
}
