import type { Toxiproxy } from 'toxiproxy-node-client';
import type { ClientSecurity } from '../security/cluster-security.js';

export type BrokerKind = 'kafka' | 'broker-ts';
export const BROKER_KINDS: readonly BrokerKind[] = ['kafka', 'broker-ts'];

/** The three kinds of traffic a node receives; each crosses its own toxiproxy proxy. */
export type ListenerKind = 'client' | 'replication' | 'controller';
export const LISTENER_KINDS: readonly ListenerKind[] = ['client', 'replication', 'controller'];

export type NodeState = 'running' | 'paused' | 'stopped' | 'killed';

export interface NodeInfo {
  id: number;
  state: NodeState;
  /** The node's process on this host (for a container, the host pid of its init process). */
  pid: number | undefined;
  /** The container's name, on runtimes that run nodes in containers. */
  container?: string;
  /** What clients are told to connect to: the node's client proxy. */
  clientAddress: string;
  /** The node's own listeners, behind the proxies. */
  listeners: Record<ListenerKind, string>;
  /** Never faulted: the harness's own view of the cluster (leader lookup, drain). */
  harnessAddress: string;
  /** Every proxy that carries this kind of traffic to or from the node. */
  proxies: Record<ListenerKind, string[]>;
}

/**
 * A node's process as the operating system (or the container engine) reports it, not as the
 * harness remembers it: the evidence that a kill, a pause or a restart really happened.
 */
export interface ObservedNode {
  /** The node's current or last process (a container's init process on the host). */
  pid: number | undefined;
  /** running: alive and scheduled; paused: stopped by SIGSTOP or frozen (state T); gone: exited. */
  state: 'running' | 'paused' | 'gone';
}

export interface ClusterTimings {
  /** From the first node process start to a Metadata response through the proxies listing every node. */
  startupMs: number;
}

/** The toxiproxy server in front of a cluster, wherever it runs (a local process, a container). */
export interface ToxiproxyControl {
  /** Its HTTP API. */
  readonly url: string;
  readonly api: Toxiproxy;
  /** Its process on this host (for a container, the host pid of the container's init process). */
  readonly pid: number;
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
}

/**
 * Taking a node off the network entirely, as a switch failure would: every connection to and from
 * it stops, proxied or not. Only runtimes whose nodes have their own network interface offer it.
 */
export interface NetworkPartitions {
  disconnect(node: number): Promise<void>;
  /** Back on the network with the same address. */
  reconnect(node: number): Promise<void>;
  isDisconnected(node: number): boolean;
  /** The engine's own listing shows each node off the network; one evidence line each (throws when not). */
  proveDisconnected(nodes: readonly number[]): Promise<string[]>;
}

/** What a power cut took from one node's disk: the unsynced filesystem's own account. */
export interface PowerCut {
  node: number;
  /** Files put back to the bytes and size of their last fsync. */
  files: { path: string; syncedSize: number; droppedTail: number; restored: number; keptAs?: string }[];
  /** Names created since the last fsync of their directory: removed, with what they held. */
  entries: { path: string; bytes: number; keptAs?: string }[];
  /** Writes refused after the cut (the kernel writing back pages of the dead node). */
  refusedWrites: number;
  /** fsyncs of files and directories the filesystem saw before the cut. */
  syncsSeen: number;
  /** Where the dropped bytes were copied (`keptAs` is relative to it), for the harness to decode. */
  keptIn: string;
  /** The filesystem's report, as written. */
  reportFile: string;
}

/** Which calls on which files of a node's data dir fail with EIO (the unsynced filesystem's rule). */
export interface IoFailureRule {
  /** A glob on the path relative to the data dir (`chaos-0/*`); empty for every file. */
  paths: string;
  calls: ('read' | 'write' | 'fsync' | 'open')[];
}

/** Calls the filesystem failed with EIO since the rule was set, by call. */
export type FailedCalls = Partial<Record<IoFailureRule['calls'][number], number>>;

/**
 * Every node's data dir on a filesystem that forgets, on a power cut, what was not fsynced (the
 * unsynced filesystem, harness/unsynced-fs): the same mechanism for every broker. It also fails
 * calls with EIO on demand, as a failing disk does.
 */
export interface NodeDisks {
  /** The node must be down (killed): discards its unsynced data and mounts what remains. */
  powerCut(node: number): Promise<PowerCut>;
  /** From now on, calls the rule covers fail with EIO. */
  failIo(node: number, rule: IoFailureRule): Promise<void>;
  /** The calls failed since failIo. */
  failedCalls(node: number): Promise<FailedCalls>;
  /** No call fails any more; returns what failed. */
  healIo(node: number): Promise<FailedCalls>;
}

/** What a fault kind may need beyond the operations every runtime has. */
export type RuntimeCapability = 'network-partitions' | 'unsynced-disks';

/**
 * A running cluster with toxiproxy in front of every listener. Runtimes (local processes,
 * containers) implement it; experiments, nemeses and the checker only see this.
 */
export interface Cluster {
  readonly broker: BrokerKind;
  readonly brokerVersion: string;
  readonly runtime: 'process' | 'docker';
  readonly toxiproxy: ToxiproxyControl;
  readonly timings: ClusterTimings;
  /** Where configs and broker logs are kept. */
  readonly logDir: string;
  /** What clients need to connect (TLS material, SASL login); absent or mode plaintext: nothing. */
  readonly clientSecurity?: ClientSecurity;

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

  /** SIGKILL (a container: `docker kill`, which kills everything in it). */
  kill(node: number): Promise<void>;
  /** SIGSTOP (a container: `docker pause`, the cgroup freezer). */
  pause(node: number): Promise<void>;
  /** SIGCONT (a container: `docker unpause`). */
  resume(node: number): Promise<void>;
  /** SIGTERM, waiting for a clean shutdown (a container: `docker stop`). */
  stop(node: number): Promise<void>;
  /** Starts a stopped or killed node again on the same data dir. */
  start(node: number): Promise<void>;
  /** Erases a stopped node's data dir (it must be stopped or killed). */
  wipe(node: number): Promise<void>;
  /** How the operating system or the engine sees the node's process now. */
  observeNode(node: number): Promise<ObservedNode>;
  /** The entries of a node's data dir (empty when it does not exist): the evidence of a wipe. */
  dataDirEntries(node: number): string[];
  /** The node's data dir on this host (for a container, the dir bind-mounted into it). */
  dataDir(node: number): string;
  /** Present only where the runtime can partition a node off the network (`--runtime docker`). */
  readonly partitions?: NetworkPartitions;
  /** Present only when the cluster was started with `unsyncedDisks`. */
  readonly disks?: NodeDisks | undefined;

  close(): Promise<void>;
}
