import { HarnessError } from '../errors.js';
import { provisionKafka } from '../provision/kafka.js';
import type { BrokerKind, Cluster } from './cluster.js';
import { BrokerTsLauncher } from './process/broker-ts-launcher.js';
import { KafkaLauncher } from './process/kafka-launcher.js';
import type { NodeLauncher } from './process/launcher.js';
import { ProcessCluster } from './process/process-cluster.js';

export type RuntimeKind = 'process' | 'docker';

export interface ClusterRequest {
  broker: BrokerKind;
  nodes: number;
  brokerConfig?: Record<string, string>;
  kafkaVersion?: string;
  runtime?: RuntimeKind;
  logDir: string;
}

async function launcherFor(request: ClusterRequest): Promise<NodeLauncher> {
  if (request.broker === 'kafka') return new KafkaLauncher(await provisionKafka(request.kafkaVersion));
  return new BrokerTsLauncher();
}

export async function startCluster(request: ClusterRequest): Promise<Cluster> {
  const runtime = request.runtime ?? 'process';
  if (runtime !== 'process') throw new HarnessError(`runtime "${runtime}" is not available yet; use --runtime process`);
  return ProcessCluster.start({
    launcher: await launcherFor(request),
    nodes: request.nodes,
    brokerConfig: request.brokerConfig,
    logDir: request.logDir,
  });
}
