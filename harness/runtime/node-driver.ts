import type { ClientSecurity } from '../security/cluster-security.js';
import type { BrokerKind, ListenerKind, NetworkPartitions, NodeDisks, ObservedNode, ToxiproxyControl } from './cluster.js';
import type { RuntimeKind } from './cluster-request.js';

/** Where a node is reached. */
export interface NodeAddresses {
  /** What clients are told to connect to: the node's client proxy. */
  client: string;
  /** The node's own listeners, behind the proxies. */
  listeners: Record<ListenerKind, string>;
  /** The harness listener, which no fault touches. */
  harness: string;
}

/** How a node that the harness started ended before the cluster was ready. */
export interface StartupFailure {
  /** Its exit, e.g. "code 1, signal null". */
  exit: string;
  /** What it printed itself (stdout and stderr, a container's output), last lines. */
  output: string;
}

/**
 * What one runtime does to the nodes of a cluster it has set up (toxiproxy and its proxies
 * running, configs written, data dirs formatted): start a node's process, signal it, erase its
 * data, say how the operating system or the engine sees it, and end everything. The state of each
 * node, readiness, addresses as the Cluster interface gives them, the proxies' names and the
 * checks before each operation belong to NodeCluster, written once for every runtime; a new
 * runtime is one NodeDriver (see process/process-node-driver.ts, docker/docker-node-driver.ts).
 */
export interface NodeDriver {
  readonly runtime: RuntimeKind;
  readonly broker: BrokerKind;
  readonly version: string;
  readonly nodeIds: readonly number[];
  readonly toxiproxy: ToxiproxyControl;
  /** Where configs and broker logs are kept: a dir per node, `node-<id>`. */
  readonly logDir: string;
  readonly clientSecurity?: ClientSecurity | undefined;
  /** Present only where nodes have a network interface of their own to take away. */
  readonly partitions?: NetworkPartitions;
  /** Present only when every node's data dir is on the unsynced filesystem. */
  readonly disks?: NodeDisks | undefined;

  addresses(node: number): NodeAddresses;
  /** The node's container, on runtimes that run nodes in containers. */
  containerName?(node: number): string;
  /** The log file that explains a node that did not come up. */
  mainLog(node: number): string;
  /** The node's data dir on this host. */
  dataDir(node: number): string;

  /** Starts the node's process: its first start, and again after a kill or a stop, on the same data. */
  launch(node: number): Promise<void>;
  /** The node's process on this host (a container's init process) while it runs. */
  pid(node: number): number | undefined;
  /** SIGKILL; resolves once the process is gone. */
  kill(node: number): Promise<void>;
  /** SIGSTOP or the cgroup freezer; resolves once the kernel shows it stopped. */
  pause(node: number): Promise<void>;
  resume(node: number): Promise<void>;
  /** SIGTERM, waiting up to `graceMs` for a clean shutdown (the node is not paused). */
  stop(node: number, graceMs: number): Promise<void>;
  /** Leaves the stopped node's data dir as a new node's: its next launch formats it or finds it formatted. */
  eraseData(node: number): Promise<void>;
  observe(node: number): Promise<ObservedNode>;
  /**
   * During start-up: undefined while the node runs (or once the driver has started it again, as
   * the process runtime does when another program took one of its ports); how it ended otherwise.
   */
  startupFailure(node: number): Promise<StartupFailure | undefined>;
  /** Keeps what nodes and toxiproxy printed in the log dir, when they did not write it there themselves. */
  collectOutput(): Promise<void>;
  /** Ends every node and toxiproxy, and removes what the runtime created (temp dirs, containers). */
  shutdown(): Promise<void>;
}
