import { provisionKafka } from '../../provision/kafka.js';
import type { ClusterRequest } from '../cluster-request.js';
import type { Runtime } from '../runtime.js';
import { BrokerTsLauncher } from './broker-ts-launcher.js';
import { KafkaLauncher } from './kafka-launcher.js';
import type { NodeLauncher } from './launcher.js';
import { startProcessCluster } from './process-node-driver.js';

async function launcherFor(request: ClusterRequest): Promise<NodeLauncher> {
  if (request.broker === 'kafka') return new KafkaLauncher(await provisionKafka(request.kafkaVersion));
  return new BrokerTsLauncher();
}

/** The embedded default: local processes on 127.0.0.1, needing nothing but what the harness provisions. */
export const processRuntime: Runtime = {
  kind: 'process',
  capabilities: ['unsynced-disks'],
  preflight: async () => {},
  start: async (request) =>
    startProcessCluster({
      launcher: await launcherFor(request),
      nodes: request.nodes,
      ...(request.brokerConfig !== undefined ? { brokerConfig: request.brokerConfig } : {}),
      logDir: request.logDir,
      ...(request.security !== undefined ? { security: request.security } : {}),
      ...(request.unsyncedDisks ? { unsyncedDisks: true } : {}),
    }),
};
