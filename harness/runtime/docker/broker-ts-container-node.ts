import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSecurity } from '../../security/cluster-security.js';
import { toProperties } from '../process/layout.js';
import type { ContainerCommand, ContainerNodeKind } from './container-node.js';
import { CONTAINER_NODE_DIR } from './node-properties.js';

/**
 * broker-ts in the image built from broker-ts/Dockerfile (entry point `node bin/broker-ts.js`),
 * configured like the process runtime does: Kafka's server.properties keys plus cluster.id.
 */
export class BrokerTsContainerNode implements ContainerNodeKind {
  readonly broker = 'broker-ts' as const;

  constructor(
    readonly version: string,
    private readonly image: string,
  ) {}

  prepare(nodeDir: string, properties: Record<string, string>, clusterId: string, security?: ClusterSecurity): void {
    writeFileSync(join(nodeDir, 'server.properties'), toProperties({ 'cluster.id': clusterId, ...security?.brokerTsProperties(), ...properties }));
  }

  command(): ContainerCommand {
    return {
      image: this.image,
      command: ['--config', `${CONTAINER_NODE_DIR}/server.properties`],
      environment: { BROKER_TS_LOG_FILE: `${CONTAINER_NODE_DIR}/server.log` },
    };
  }

  mainLog(nodeDir: string): string {
    return join(nodeDir, 'server.log');
  }
}
