import type { ClusterSecurity } from '../../security/cluster-security.js';
import type { BrokerKind } from '../cluster.js';

/** How one container is started: the node's own files are already in its node dir. */
export interface ContainerCommand {
  image: string;
  /** Replaces the image's entry point when set. */
  entrypoint?: string[];
  command: string[];
  environment: Record<string, string>;
}

/** How to configure and run the nodes of one broker implementation in containers. */
export interface ContainerNodeKind {
  readonly broker: BrokerKind;
  readonly version: string;
  /**
   * Writes the node's config (and whatever its start needs) into its node dir on the host; with
   * `security`, also what the broker keeps of it outside its properties (SCRAM users).
   */
  prepare(nodeDir: string, properties: Record<string, string>, clusterId: string, security?: ClusterSecurity): void;
  command(): ContainerCommand;
  /**
   * Formats the node's data dir and exits, when the node does not format itself durably on its
   * first start: the unsynced filesystem then goes over the formatted dir, as on the process
   * runtime. Absent: the node formats its empty data dir itself (broker-ts, which fsyncs what it
   * writes there).
   */
  formatCommand?(): ContainerCommand;
  /** The log file, in the node dir on the host, that explains a node that did not come up. */
  mainLog(nodeDir: string): string;
}
