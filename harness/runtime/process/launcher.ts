import type { BrokerKind } from '../cluster.js';
import type { ClusterLayout, NodeLayout } from './layout.js';

export interface NodeCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** How to configure and start the nodes of one broker implementation as local processes. */
export interface NodeLauncher {
  readonly broker: BrokerKind;
  readonly version: string;
  /** Writes configs and formats data dirs of `nodes` (all by default) before they start. */
  prepare(cluster: ClusterLayout, nodes?: NodeLayout[]): Promise<void>;
  command(node: NodeLayout): NodeCommand;
  /** The log file that explains a node that did not come up. */
  mainLog(node: NodeLayout): string;
}
