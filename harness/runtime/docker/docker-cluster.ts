import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { HarnessError, errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import type { Cluster, ClusterTimings, ListenerKind, NetworkPartitions, NodeInfo, NodeState, ObservedNode } from '../cluster.js';
import { randomClusterId } from '../process/kafka-launcher.js';
import { supervisor, type Supervisor } from '../supervisor.js';
import { AddressPlan } from './address-plan.js';
import { removeLabelled, sweepAbandonedDockerRuns } from './cleanup.js';
import { containerOutput } from './container-logs.js';
import type { ContainerNodeKind } from './container-node.js';
import { dockerEngine, type DockerEngine } from './engine.js';
import { LABEL, runLabels, type HarnessIdentity } from './labels.js';
import { createRunNetwork, type RunNetwork } from './network.js';
import { CONTAINER_DATA_DIR, CONTAINER_NODE_DIR, CONTAINER_SECURITY_DIR, containerNodeProperties } from './node-properties.js';
import { RuntimeContainer } from './runtime-container.js';
import { ToxiproxyContainer } from './toxiproxy-container.js';
import { ClusterSecurity, type ClientSecurity, type SecuritySettings } from '../../security/cluster-security.js';
import { LISTENER_NAMES } from '../process/layout.js';
import { sleep } from '../../wait.js';
import { tail, waitUntilRegistered } from '../readiness.js';

export interface DockerClusterOptions {
  nodeKind: ContainerNodeKind;
  toxiproxyImage: string;
  nodes: number;
  brokerConfig?: Record<string, string>;
  /** Where configs and broker logs go (kept); data dirs live in a temp dir. Both are bind-mounted. */
  logDir: string;
  readyTimeoutMs?: number;
  /** TLS and SASL on every listener (--security); plaintext when absent. */
  security?: SecuritySettings;
}

interface NodeSlot {
  id: number;
  containerName: string;
  /** Holds the node's network interface and address (see createNode). */
  sandboxName: string;
  container: Dockerode.Container | undefined;
  /** Host pid of the container's init while it runs. */
  pid: number | undefined;
  /** On the host: config and logs (CONTAINER_NODE_DIR) and data (CONTAINER_DATA_DIR). */
  nodeDir: string;
  dataDir: string;
  state: NodeState;
  disconnected: boolean;
}

/**
 * Every node and toxiproxy in its own container on a network created for the cluster (see
 * network.ts and address-plan.ts). Node operations are container operations: kill is `docker
 * kill` (SIGKILL to everything in the container), pause is `docker pause` (the cgroup freezer),
 * stop is `docker stop`; a node can also be disconnected from the network and reconnected.
 * Everything carries the labels of the run (labels.ts), so nothing outlives the harness.
 *
 * A node's network interface belongs to a small sandbox container that the node's container
 * joins, as a pod's containers share its network: a killed or stopped node is a dead process on a
 * live host, whose ports refuse connections at once (as on the process runtime), not a vanished
 * host that swallows them until they time out. Taking the host off the network is `disconnect`.
 */
export class DockerCluster implements Cluster, NetworkPartitions {
  readonly runtime = 'docker' as const;
  readonly timings: ClusterTimings = { startupMs: 0 };
  readonly partitions: NetworkPartitions = this;
  private readonly slots = new Map<number, NodeSlot>();
  private toxiproxyContainer: ToxiproxyContainer | undefined;
  private security: ClusterSecurity | undefined;
  private closed = false;
  private readonly untrack: () => void;

  private constructor(
    private readonly engine: DockerEngine,
    private readonly sup: Supervisor,
    private readonly nodeKind: ContainerNodeKind,
    private readonly harness: HarnessIdentity,
    /** Names this cluster's containers and network and labels them (LABEL.cluster). */
    readonly name: string,
    private readonly network: RunNetwork,
    private readonly plan: AddressPlan,
    readonly logDir: string,
    private readonly dataRoot: string,
  ) {
    for (const id of plan.nodeIds) {
      this.slots.set(id, {
        id,
        containerName: `${name}-node-${id}`,
        sandboxName: `${name}-node-${id}-net`,
        container: undefined,
        pid: undefined,
        nodeDir: join(logDir, `node-${id}`),
        dataDir: join(dataRoot, `node-${id}`),
        state: 'stopped',
        disconnected: false,
      });
    }
    this.untrack = sup.trackDocker(() => this.removeContainers());
  }

  get broker() {
    return this.nodeKind.broker;
  }

  get brokerVersion(): string {
    return this.nodeKind.version;
  }

  get clientSecurity(): ClientSecurity | undefined {
    return this.security?.client;
  }

  get toxiproxy(): ToxiproxyContainer {
    if (!this.toxiproxyContainer) throw new HarnessError('toxiproxy has not started');
    return this.toxiproxyContainer;
  }

  /** The network's name, e.g. for `docker network inspect`. */
  get networkName(): string {
    return this.network.name;
  }

  static async start(options: DockerClusterOptions): Promise<DockerCluster> {
    const engine = await dockerEngine();
    const sup = supervisor();
    const swept = await sweepAbandonedDockerRuns(engine.docker);
    if (swept.runs > 0) log.warn(swept, 'removed the containers and networks of earlier runs that were killed');

    const name = `kafka-chaos-${randomBytes(4).toString('hex')}`;
    const harness: HarnessIdentity = { runId: sup.runId, ...sup.harness };
    // Tracked before anything exists: a harness killed halfway through still gets it all removed.
    const pending = sup.trackDocker(() => removeLabelled(engine.docker, LABEL.cluster, name).then(() => undefined));
    let network: RunNetwork;
    try {
      network = await createRunNetwork(engine.docker, name, runLabels(harness, name));
    } catch (err) {
      await removeLabelled(engine.docker, LABEL.cluster, name).catch(() => {});
      pending();
      throw err;
    }
    const ids = Array.from({ length: options.nodes }, (_, i) => i + 1);
    mkdirSync(options.logDir, { recursive: true });
    const cluster = new DockerCluster(
      engine,
      sup,
      options.nodeKind,
      harness,
      name,
      network,
      new AddressPlan(network, ids),
      options.logDir,
      sup.tempDir(`docker-${options.nodeKind.broker}`),
    );
    pending();
    try {
      cluster.toxiproxyContainer = await ToxiproxyContainer.start(engine, {
        image: options.toxiproxyImage,
        name: `${name}-toxiproxy`,
        network,
        address: cluster.plan.toxiproxyAddress,
        labels: runLabels(harness, name, 'toxiproxy'),
      });
      await cluster.toxiproxy.createProxies(cluster.plan.proxies());
      if (options.security !== undefined && options.security.mode !== 'plaintext') {
        // Each node's certificate is valid for its own address (the harness listener) and the
        // toxiproxy's (where clients, followers and other controllers reach it).
        cluster.security = new ClusterSecurity(options.security, join(cluster.dataRoot, 'security'), ids, LISTENER_NAMES, (id) => [
          cluster.plan.nodeAddress(id),
          cluster.plan.toxiproxyAddress,
        ]);
      }
      const clusterId = randomClusterId();
      for (const slot of cluster.slots.values()) {
        mkdirSync(slot.nodeDir, { recursive: true });
        mkdirSync(slot.dataDir, { recursive: true });
        const properties = containerNodeProperties(slot.id, cluster.plan, clusterId, options.brokerConfig ?? {}, cluster.security);
        options.nodeKind.prepare(slot.nodeDir, properties, clusterId, cluster.security);
      }
      const started = performance.now();
      // Settled, not raced: a failure closes the cluster only once no container is still being created.
      const created = await Promise.allSettled([...cluster.slots.values()].map((slot) => cluster.createNode(slot)));
      for (const c of created) if (c.status === 'rejected') throw c.reason;
      await cluster.waitReady(options.readyTimeoutMs ?? 120_000);
      cluster.timings.startupMs = Math.round(performance.now() - started);
      log.info(
        { broker: cluster.broker, version: cluster.brokerVersion, nodes: options.nodes, network: network.subnet, startupMs: cluster.timings.startupMs },
        'cluster ready',
      );
      return cluster;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  private async createNode(slot: NodeSlot): Promise<void> {
    const cmd = this.nodeKind.command();
    // Every node image (Debian, the official Kafka and Node.js images) has `sleep`: all the sandbox runs.
    const sandbox = await new RuntimeContainer(cmd.image)
      .atAddress(this.network, this.plan.nodeAddress(slot.id))
      .withName(slot.sandboxName)
      .withHostname(`node-${slot.id}`)
      .withLabels(runLabels(this.harness, this.name, `node-${slot.id}-network`))
      .withEntrypoint(['sleep'])
      .withCommand(['infinity'])
      .start();
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    let container = new RuntimeContainer(cmd.image)
      .inNetworkOf(sandbox.getId())
      .withName(slot.containerName)
      .withLabels(runLabels(this.harness, this.name, `node-${slot.id}`))
      // The harness's own user: what the node writes into the bind mounts stays removable by it.
      .withUser(`${uid}:${gid}`)
      .withBindMounts([
        { source: slot.nodeDir, target: CONTAINER_NODE_DIR, mode: 'rw' },
        { source: slot.dataDir, target: CONTAINER_DATA_DIR, mode: 'rw' },
        ...(this.security?.usesTls ? [{ source: this.security.dir, target: CONTAINER_SECURITY_DIR, mode: 'ro' as const }] : []),
      ])
      .withEnvironment(cmd.environment)
      .withCommand(cmd.command);
    if (cmd.entrypoint) container = container.withEntrypoint(cmd.entrypoint);
    const started = await container.start();
    slot.container = this.engine.docker.getContainer(started.getId());
    await this.markRunning(slot);
  }

  private async markRunning(slot: NodeSlot): Promise<void> {
    slot.pid = (await slot.container!.inspect()).State.Pid || undefined;
    slot.state = 'running';
  }

  /** Ready: the client proxies lead to every node, registered. */
  private async waitReady(timeoutMs: number, expected = this.slots.size): Promise<void> {
    let lastCheck = 0;
    await waitUntilRegistered(this, {
      expected,
      timeoutMs,
      // Inspecting containers costs a round trip to the engine each: once a second is enough.
      checkNodes: async () => {
        if (Date.now() - lastCheck < 1000) return;
        lastCheck = Date.now();
        for (const slot of this.slots.values()) await this.failIfExited(slot);
      },
      mainLogs: () => [...this.slots.values()].map((s) => ({ id: s.id, file: this.nodeKind.mainLog(s.nodeDir) })),
    });
  }

  private async failIfExited(slot: NodeSlot): Promise<void> {
    if (slot.state !== 'running' || !slot.container) return;
    const { State } = await slot.container.inspect();
    if (State.Running) return;
    const output = await containerOutput(slot.container, 15).catch(() => '');
    throw new HarnessError(
      `${this.broker} node ${slot.id} (container ${slot.containerName}) exited during start-up (exit code ${State.ExitCode}${State.Error ? `, ${State.Error}` : ''}). ` +
        `Last lines of ${this.nodeKind.mainLog(slot.nodeDir)}:\n${tail(this.nodeKind.mainLog(slot.nodeDir))}\ncontainer output:\n${output.trimEnd()}`,
    );
  }

  private slot(id: number): NodeSlot {
    const slot = this.slots.get(id);
    if (!slot) throw new HarnessError(`no node ${id} in this cluster (nodes: ${this.nodeIds().join(', ')})`);
    return slot;
  }

  nodeIds(): number[] {
    return [...this.slots.keys()];
  }

  node(id: number): NodeInfo {
    const slot = this.slot(id);
    return {
      id,
      state: slot.state,
      pid: slot.state === 'running' || slot.state === 'paused' ? slot.pid : undefined,
      container: slot.containerName,
      clientAddress: this.plan.proxyAddress(id, 'client'),
      listeners: {
        client: this.plan.listenerAddress(id, 'client'),
        replication: this.plan.listenerAddress(id, 'replication'),
        controller: this.plan.listenerAddress(id, 'controller'),
      },
      harnessAddress: this.plan.listenerAddress(id, 'harness'),
      proxies: {
        client: this.proxyNames(id, 'client'),
        replication: this.proxyNames(id, 'replication'),
        controller: this.proxyNames(id, 'controller'),
      },
    };
  }

  bootstrapServers(): string[] {
    return this.nodeIds().map((id) => this.plan.proxyAddress(id, 'client'));
  }

  harnessServers(): string[] {
    return this.nodeIds().map((id) => this.plan.listenerAddress(id, 'harness'));
  }

  proxyNames(node: number, listener: ListenerKind): string[] {
    this.slot(node);
    return this.plan.proxyNames(node, listener);
  }

  private running(id: number): Dockerode.Container {
    const slot = this.slot(id);
    if (slot.state !== 'running' && slot.state !== 'paused') throw new HarnessError(`node ${id} is not running (${slot.state})`);
    return slot.container!;
  }

  async kill(id: number): Promise<void> {
    const container = this.running(id);
    await container.kill({ signal: 'SIGKILL' });
    await container.wait({ condition: 'not-running' });
    this.slot(id).state = 'killed';
  }

  async pause(id: number): Promise<void> {
    await this.running(id).pause();
    this.slot(id).state = 'paused';
  }

  async resume(id: number): Promise<void> {
    await this.running(id).unpause();
    this.slot(id).state = 'running';
  }

  async stop(id: number): Promise<void> {
    const slot = this.slot(id);
    const container = this.running(id);
    // A frozen container cannot act on SIGTERM.
    if (slot.state === 'paused') await container.unpause();
    await container.stop({ t: 60 });
    slot.state = 'stopped';
  }

  async start(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.state === 'running' || slot.state === 'paused') throw new HarnessError(`node ${id} is already running`);
    await slot.container!.start();
    await this.markRunning(slot);
  }

  async wipe(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.state === 'running' || slot.state === 'paused') throw new HarnessError(`node ${id} must be stopped before its data dir is erased`);
    // Its next start formats the empty data dir again (see the node's start script).
    rmSync(slot.dataDir, { recursive: true, force: true });
    mkdirSync(slot.dataDir, { recursive: true });
  }

  async observeNode(id: number): Promise<ObservedNode> {
    const slot = this.slot(id);
    const info = await slot.container!.inspect();
    if (info.State.Paused) return { pid: info.State.Pid || slot.pid, state: 'paused' };
    return info.State.Running ? { pid: info.State.Pid, state: 'running' } : { pid: slot.pid, state: 'gone' };
  }

  dataDirEntries(id: number): string[] {
    const dir = this.slot(id).dataDir;
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  async disconnect(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.disconnected) return;
    await this.engine.docker.getNetwork(this.network.id).disconnect({ Container: slot.sandboxName, Force: true });
    slot.disconnected = true;
  }

  async proveDisconnected(nodes: readonly number[]): Promise<string[]> {
    const info = (await this.engine.docker.getNetwork(this.network.id).inspect()) as { Containers?: Record<string, { Name?: string }> };
    const attached = new Set(Object.values(info.Containers ?? {}).map((c) => c.Name));
    return nodes.map((n) => {
      const { sandboxName } = this.slot(n);
      if (attached.has(sandboxName)) throw new HarnessError(`docker still lists ${sandboxName} on network ${this.network.name}`);
      return `node ${n}: ${sandboxName} not on network ${this.network.name}`;
    });
  }

  async reconnect(id: number): Promise<void> {
    const slot = this.slot(id);
    if (!slot.disconnected) return;
    await this.engine.docker.getNetwork(this.network.id).connect({
      Container: slot.sandboxName,
      EndpointConfig: { IPAMConfig: { IPv4Address: this.plan.nodeAddress(id) } },
    });
    slot.disconnected = false;
  }

  isDisconnected(id: number): boolean {
    return this.slot(id).disconnected;
  }

  /** Keeps what the containers printed (the brokers' own logs are already in their node dirs). */
  private async saveOutput(): Promise<void> {
    const saves = [...this.slots.values()].map(async (slot) => {
      if (slot.container) writeFileSync(join(slot.nodeDir, 'stdout.log'), await containerOutput(slot.container));
    });
    if (this.toxiproxyContainer) {
      const proxy = this.engine.docker.getContainer(this.toxiproxyContainer.containerId);
      saves.push(containerOutput(proxy).then((out) => writeFileSync(join(this.logDir, 'toxiproxy.log'), out)));
    }
    await Promise.all(saves.map((s) => s.catch((err: unknown) => log.debug({ err: errorMessage(err) }, 'container output not saved'))));
  }

  private async removeContainers(): Promise<void> {
    await removeLabelled(this.engine.docker, LABEL.cluster, this.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.saveOutput();
    await this.removeContainers();
    for (const slot of this.slots.values()) slot.state = 'stopped';
    this.untrack();
    this.sup.forgetTempDir(this.dataRoot);
  }
}
