import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../supervisor.js';
import { brokerTsBundle } from './broker-ts-bundle.js';
import type { NodeCommand, NodeLauncher } from './launcher.js';
import { commonNodeProperties, toProperties, type ClusterLayout, type NodeLayout } from './layout.js';

function brokerTsVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** KAFKA_CHAOS_BROKER_TS_NODE_ARGS: Node.js flags for every broker-ts node (`--cpu-prof --cpu-prof-dir=/tmp/p`). */
function extraNodeArgs(): string[] {
  return (process.env.KAFKA_CHAOS_BROKER_TS_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
}

/** broker-ts nodes, configured with the same server.properties keys as Kafka. */
export class BrokerTsLauncher implements NodeLauncher {
  readonly broker = 'broker-ts' as const;
  readonly version = brokerTsVersion();
  private bundle: string | undefined;

  configFile(node: NodeLayout): string {
    return join(node.logDir, 'server.properties');
  }

  mainLog(node: NodeLayout): string {
    return join(node.logDir, 'server.log');
  }

  async prepare(cluster: ClusterLayout, nodes = cluster.nodes): Promise<void> {
    this.bundle = await brokerTsBundle();
    for (const node of nodes) {
      mkdirSync(node.logDir, { recursive: true });
      mkdirSync(node.dataDir, { recursive: true });
      const props = { 'cluster.id': cluster.clusterId, ...cluster.security?.brokerTsProperties(), ...commonNodeProperties(node, cluster) };
      writeFileSync(this.configFile(node), toProperties(props));
    }
  }

  command(node: NodeLayout): NodeCommand {
    if (this.bundle === undefined) throw new Error('BrokerTsLauncher.prepare must run before command');
    return {
      command: process.execPath,
      // Stack traces in the node's log point at the TypeScript sources. Node refuses some flags
      // (--cpu-prof) in NODE_OPTIONS, so extra ones come through an environment variable of ours.
      args: ['--enable-source-maps', ...extraNodeArgs(), this.bundle, '--config', this.configFile(node)],
      env: { ...process.env, BROKER_TS_LOG_FILE: this.mainLog(node) },
    };
  }
}
