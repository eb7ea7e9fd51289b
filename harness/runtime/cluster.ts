import type { ToxiproxyServer } from './toxiproxy-server.js';

export type BrokerKind = 'kafka' | 'broker-ts';
export const BROKER_KINDS: readonly BrokerKind[] = ['kafka', 'broker-ts'];

/** The three kinds of traffic a node receives; each crosses its own toxiproxy proxy. */
export type ListenerKind = 'client' | 'replication' | 'controller';
export const LISTENER_KINDS: readonly ListenerKind[] = ['client', 'replication', 'controller'];

export type NodeState = 'running' | 'paused' | 'stopped' | 'killed';

export interface NodeInfo {
  id: number;
  state: NodeState;
  pid: number | undefined;
  /** What clients are told to connect to: the node's client proxy. */
  clientAddress: string;
  /** The node's own listeners, behind the proxies. */
  listeners: Record<ListenerKind, string>;
  /** Never faulted: the harness's own view of the cluster (leader lookup, drain). */
  harnessAddress: string;
  /** Every proxy that carries this kind of traffic to or from the node. */
  proxies: Record<ListenerKind, string[]>;
}

export interface ClusterTimings {
  /** From the first node process start to a Metadata response through the proxies listing every node. */
  startupMs: number;
}

/**
 * A running cluster with toxiproxy in front of every listener. Runtimes (local processes,
 * containers) implement it; experiments, nemeses and the checker only see this.
 */
export interface Cluster {
  readonly broker: BrokerKind;
  readonly brokerVersion: string;
  readonly runtime: 'process' | 'docker';
  readonly toxiproxy: ToxiproxyServer;
  readonly timings: ClusterTimings;
  /** Where configs and broker logs are kept. */
  readonly logDir: string;

  nodeIds(): number[];
  node(id: number): NodeInfo;
  /** Client bootstrap addresses (the client proxies). */
  bootstrapServers(): string[];
  /** Direct addresses of the harness listener, which no fault touches. */
  harnessServers(): string[];
  /**
   * The proxies to disable or poison to cut or degrade one kind of traffic of a node. Client and
   * replication traffic cross one proxy in front of the node's listener; controller (Raft and
   * broker-to-controller) traffic crosses one proxy per pair of nodes, so cutting it isolates the
   * node from the controller quorum in both directions.
   */
  proxyNames(node: number, listener: ListenerKind): string[];

  /** SIGKILL. */
  kill(node: number): Promise<void>;
  /** SIGSTOP. */
  pause(node: number): Promise<void>;
  /** SIGCONT. */
  resume(node: number): Promise<void>;
  /** SIGTERM, waiting for a clean shutdown. */
  stop(node: number): Promise<void>;
  /** Starts a stopped or killed node again on the same data dir. */
  start(node: number): Promise<void>;
  /** Erases a stopped node's data dir (it must be stopped or killed). */
  wipe(node: number): Promise<void>;

  close(): Promise<void>;
}
