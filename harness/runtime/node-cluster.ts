import { existsSync, readdirSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import type { Cluster, ClusterTimings, ListenerKind, NodeDisks, NodeInfo, NodeState, ObservedNode } from './cluster.js';
import type { NodeDriver } from './node-driver.js';
import { proxyNamesOf } from './proxy-names.js';
import { tail, waitUntilRegistered } from './readiness.js';

export interface NodeClusterOptions {
  /** How long the nodes have to register (default two minutes). */
  readyTimeoutMs?: number;
  /** How long a stopped node has for a clean shutdown before it is killed (default a minute). */
  stopGraceMs?: number;
}

/**
 * A cluster on any runtime: the nodes' states, readiness, addresses, proxies and the checks before
 * each operation, over the runtime's NodeDriver. Every runtime behaves alike here: a kill, pause
 * or stop needs a node that runs; a start or a wipe needs one that does not (as the operating
 * system or the engine sees it, so a node that crashed by itself can be started again); a paused
 * node is resumed before it is stopped, so that it can act on SIGTERM.
 */
export class NodeCluster<D extends NodeDriver = NodeDriver> implements Cluster {
  readonly timings: ClusterTimings = { startupMs: 0 };
  private readonly states = new Map<number, NodeState>();
  private closed = false;

  private constructor(
    /** The runtime's side, for what only that runtime has (e.g. a container network's name). */
    readonly driver: D,
    private readonly options: NodeClusterOptions,
  ) {
    for (const id of driver.nodeIds) this.states.set(id, 'stopped');
  }

  /** Launches every node of `driver` and waits until all have registered; closes everything if they do not. */
  static async start<D extends NodeDriver>(driver: D, options: NodeClusterOptions = {}): Promise<NodeCluster<D>> {
    const cluster = new NodeCluster(driver, options);
    try {
      const started = performance.now();
      // Settled, not raced: a failure closes the cluster only once no node is still being launched.
      const launched = await Promise.allSettled(driver.nodeIds.map((id) => cluster.launch(id)));
      for (const l of launched) if (l.status === 'rejected') throw l.reason;
      await cluster.waitReady(options.readyTimeoutMs ?? 120_000);
      cluster.timings.startupMs = Math.round(performance.now() - started);
      log.info(
        { runtime: driver.runtime, broker: driver.broker, version: driver.version, nodes: driver.nodeIds.length, startupMs: cluster.timings.startupMs },
        'cluster ready',
      );
      return cluster;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  get runtime() {
    return this.driver.runtime;
  }

  get broker() {
    return this.driver.broker;
  }

  get brokerVersion(): string {
    return this.driver.version;
  }

  get toxiproxy() {
    return this.driver.toxiproxy;
  }

  get logDir(): string {
    return this.driver.logDir;
  }

  get clientSecurity() {
    return this.driver.clientSecurity;
  }

  get partitions() {
    return this.driver.partitions;
  }

  /** A power cut needs the node down: a running process would keep writing through the cut. */
  get disks(): NodeDisks | undefined {
    const disks = this.driver.disks;
    if (!disks) return undefined;
    return {
      powerCut: async (id) => {
        await this.requireDown(id, 'must be down (killed) before its power is cut');
        return disks.powerCut(id);
      },
      failIo: (id, rule) => (this.state(id), disks.failIo(id, rule)),
      failedCalls: (id) => (this.state(id), disks.failedCalls(id)),
      healIo: (id) => (this.state(id), disks.healIo(id)),
    };
  }

  private async launch(id: number): Promise<void> {
    await this.driver.launch(id);
    this.states.set(id, 'running');
  }

  /** Ready: the brokers registered, as an admin client sees them through the client proxies. */
  private async waitReady(timeoutMs: number): Promise<void> {
    await waitUntilRegistered(this, {
      expected: this.states.size,
      timeoutMs,
      checkNodes: async () => {
        for (const id of this.nodeIds()) {
          if (this.states.get(id) !== 'running') continue;
          const failure = await this.driver.startupFailure(id);
          if (failure === undefined) continue;
          const container = this.driver.containerName ? ` (container ${this.driver.containerName(id)})` : '';
          const mainLog = this.driver.mainLog(id);
          throw new HarnessError(
            `${this.broker} node ${id}${container} exited during start-up (${failure.exit}). ` +
              `Last lines of ${mainLog}:\n${tail(mainLog)}\nits own output:\n${failure.output.trimEnd()}`,
          );
        }
      },
      mainLogs: () => this.nodeIds().map((id) => ({ id, file: this.driver.mainLog(id) })),
    });
  }

  private state(id: number): NodeState {
    const state = this.states.get(id);
    if (state === undefined) throw new HarnessError(`no node ${id} in this cluster (nodes: ${this.nodeIds().join(', ')})`);
    return state;
  }

  private requireRunning(id: number): NodeState {
    const state = this.state(id);
    if (state !== 'running' && state !== 'paused') throw new HarnessError(`node ${id} is not running (${state})`);
    return state;
  }

  /** Throws when the node's process is there (running or paused), whatever the harness last did to it. */
  private async requireDown(id: number, action: string): Promise<void> {
    const state = this.state(id);
    if (state !== 'running' && state !== 'paused') return;
    if ((await this.driver.observe(id)).state !== 'gone') throw new HarnessError(`node ${id} ${action}`);
  }

  nodeIds(): number[] {
    return [...this.driver.nodeIds];
  }

  node(id: number): NodeInfo {
    const state = this.state(id);
    const addresses = this.driver.addresses(id);
    return {
      id,
      state,
      pid: state === 'running' || state === 'paused' ? this.driver.pid(id) : undefined,
      ...(this.driver.containerName ? { container: this.driver.containerName(id) } : {}),
      clientAddress: addresses.client,
      listeners: addresses.listeners,
      harnessAddress: addresses.harness,
      proxies: {
        client: this.proxyNames(id, 'client'),
        replication: this.proxyNames(id, 'replication'),
        controller: this.proxyNames(id, 'controller'),
      },
    };
  }

  bootstrapServers(): string[] {
    return this.nodeIds().map((id) => this.driver.addresses(id).client);
  }

  harnessServers(): string[] {
    return this.nodeIds().map((id) => this.driver.addresses(id).harness);
  }

  proxyNames(node: number, listener: ListenerKind): string[] {
    this.state(node);
    return proxyNamesOf(node, listener, this.driver.nodeIds);
  }

  async kill(id: number): Promise<void> {
    this.requireRunning(id);
    await this.driver.kill(id);
    this.states.set(id, 'killed');
  }

  async pause(id: number): Promise<void> {
    this.requireRunning(id);
    await this.driver.pause(id);
    this.states.set(id, 'paused');
  }

  async resume(id: number): Promise<void> {
    this.requireRunning(id);
    await this.driver.resume(id);
    this.states.set(id, 'running');
  }

  async stop(id: number): Promise<void> {
    if (this.requireRunning(id) === 'paused') await this.resume(id);
    await this.driver.stop(id, this.options.stopGraceMs ?? 60_000);
    this.states.set(id, 'stopped');
  }

  async start(id: number): Promise<void> {
    await this.requireDown(id, 'is already running');
    await this.launch(id);
  }

  async wipe(id: number): Promise<void> {
    await this.requireDown(id, 'must be stopped before its data dir is erased');
    await this.driver.eraseData(id);
  }

  async observeNode(id: number): Promise<ObservedNode> {
    this.state(id);
    return this.driver.observe(id);
  }

  dataDir(id: number): string {
    this.state(id);
    return this.driver.dataDir(id);
  }

  dataDirEntries(id: number): string[] {
    this.state(id);
    const dir = this.driver.dataDir(id);
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.driver.collectOutput();
    await this.driver.shutdown();
    for (const id of this.nodeIds()) this.states.set(id, 'stopped');
  }
}
