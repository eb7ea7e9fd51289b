import { resolve } from 'node:path';
import type { BrokerKind } from '../runtime/cluster.js';
import { startCluster, type RuntimeKind } from '../runtime/start-cluster.js';
import type { SecuritySettings } from '../security/cluster-security.js';
import { newRunId } from './run-command.js';
import { onInterrupt } from './interrupt.js';

export interface ClusterUpOptions {
  broker: BrokerKind;
  nodes: number;
  kafkaVersion?: string;
  runtime: RuntimeKind;
  out: string;
  security?: SecuritySettings;
}

/**
 * `kafka-chaos cluster up`: a cluster behind its proxies for hands-on use. Prints one JSON line
 * once ready and stays up until SIGINT or SIGTERM.
 */
export async function clusterUp(options: ClusterUpOptions): Promise<number> {
  const logDir = resolve(options.out, 'clusters', newRunId());
  const cluster = await startCluster({
    broker: options.broker,
    nodes: options.nodes,
    runtime: options.runtime,
    logDir,
    ...(options.kafkaVersion !== undefined ? { kafkaVersion: options.kafkaVersion } : {}),
    ...(options.security !== undefined ? { security: options.security } : {}),
  });
  onInterrupt(() => cluster.close());
  const line = {
    broker: cluster.broker,
    brokerVersion: cluster.brokerVersion,
    runtime: cluster.runtime,
    bootstrapServers: cluster.bootstrapServers().join(','),
    toxiproxyUrl: cluster.toxiproxy.url,
    startupMs: cluster.timings.startupMs,
    logs: logDir,
    // How to connect when the listeners are secured: the CA to trust, the SASL login.
    ...(cluster.clientSecurity !== undefined && cluster.clientSecurity.mode !== 'plaintext'
      ? {
          security: {
            mode: cluster.clientSecurity.mode,
            caFile: cluster.clientSecurity.tls?.caFile,
            clientKeyStoreFile: cluster.clientSecurity.tls?.keyStoreFile,
            sasl: cluster.clientSecurity.sasl,
          },
        }
      : {}),
    nodes: cluster.nodeIds().map((id) => {
      const n = cluster.node(id);
      return {
        id,
        pid: n.pid,
        ...(n.container ? { container: n.container } : {}),
        clientAddress: n.clientAddress,
        harnessAddress: n.harnessAddress,
        proxies: n.proxies,
      };
    }),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  // Stay up until a signal. A pending promise alone does not keep Node running, and a docker
  // cluster leaves nothing else that would: its nodes are containers, not child processes.
  await new Promise(() => setInterval(() => {}, 2 ** 30));
  return 0;
}
