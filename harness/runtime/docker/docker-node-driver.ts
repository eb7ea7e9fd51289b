import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { HarnessError, errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import type { NetworkPartitions, NodeDisks, ObservedNode } from '../cluster.js';
import { NodeCluster } from '../node-cluster.js';
import type { NodeAddresses, NodeDriver, StartupFailure } from '../node-driver.js';
import { randomClusterId } from '../process/kafka-launcher.js';
import { supervisor, type Supervisor } from '../supervisor.js';
import { UnsyncedDisk, nodeDisks } from '../unsynced-disk.js';
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
  /**
   * Every node's data dir on the unsynced filesystem (power cuts): it runs on the host, over the
   * dir that is bind-mounted into the node's container, which sees the filesystem's mount at each
   * start (a power cut mounts it again while the container is down).
   */
  unsyncedDisks?: boolean;
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
  disconnected: boolean;
  /** When startupFailure last asked the engine about this node. */
  lastStartupCheck: number;
}

/** Every node and toxiproxy in a container of its own, on a network made for the cluster. */
export async function startDockerNodes(options: DockerClusterOptions): Promise<NodeCluster<DockerNodeDriver>> {
  const driver = await DockerNodeDriver.create(options);
  return NodeCluster.start(driver, options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {});
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
export class DockerNodeDriver implements NodeDriver, NetworkPartitions {
  readonly runtime = 'docker' as const;
  readonly partitions: NetworkPartitions = this;
  private readonly slots = new Map<number, NodeSlot>();
  private toxiproxyContainer: ToxiproxyContainer | undefined;
  private security: ClusterSecurity | undefined;
  /** Each node's unsynced filesystem, when the cluster has them. */
  private readonly unsynced = new Map<number, UnsyncedDisk>();
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
        disconnected: false,
        lastStartupCheck: 0,
      });
    }
    this.untrack = sup.trackDocker(() => this.removeContainers());
  }

  /** The network, toxiproxy and its proxies, and every node's config: the nodes ready to launch. */
  static async create(options: DockerClusterOptions): Promise<DockerNodeDriver> {
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
    const driver = new DockerNodeDriver(
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
      driver.toxiproxyContainer = await ToxiproxyContainer.start(engine, {
        image: options.toxiproxyImage,
        name: `${name}-toxiproxy`,
        network,
        address: driver.plan.toxiproxyAddress,
        labels: runLabels(harness, name, 'toxiproxy'),
      });
      await driver.toxiproxy.createProxies(driver.plan.proxies());
      if (options.security !== undefined && options.security.mode !== 'plaintext') {
        // Each node's certificate is valid for its own address (the harness listener) and the
        // toxiproxy's (where clients, followers and other controllers reach it).
        driver.security = new ClusterSecurity(options.security, join(driver.dataRoot, 'security'), ids, LISTENER_NAMES, (id) => [
          driver.plan.nodeAddress(id),
          driver.plan.toxiproxyAddress,
        ]);
      }
      const clusterId = randomClusterId();
      for (const slot of driver.slots.values()) {
        mkdirSync(slot.nodeDir, { recursive: true });
        mkdirSync(slot.dataDir, { recursive: true });
        const properties = containerNodeProperties(slot.id, driver.plan, clusterId, options.brokerConfig ?? {}, driver.security);
        options.nodeKind.prepare(slot.nodeDir, properties, clusterId, driver.security);
      }
      if (options.unsyncedDisks) {
        for (const slot of driver.slots.values()) {
          await driver.format(slot);
          driver.unsynced.set(slot.id, await UnsyncedDisk.mountOver(sup, slot.id, slot.dataDir, slot.nodeDir));
        }
      }
      return driver;
    } catch (err) {
      await driver.collectOutput();
      await driver.shutdown();
      throw err;
    }
  }

  get broker() {
    return this.nodeKind.broker;
  }

  get version(): string {
    return this.nodeKind.version;
  }

  get clientSecurity(): ClientSecurity | undefined {
    return this.security?.client;
  }

  get disks(): NodeDisks | undefined {
    return nodeDisks(this.unsynced);
  }

  /**
   * Formats a node's data dir in a container of its own that exits when done (the node kind's
   * format command), before the unsynced filesystem goes over it; a node kind without one formats
   * itself on its first start.
   */
  private async format(slot: NodeSlot): Promise<void> {
    const cmd = this.nodeKind.formatCommand?.();
    if (cmd === undefined) return;
    mkdirSync(slot.dataDir, { recursive: true });
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const container = await this.engine.docker.createContainer({
      name: `${slot.containerName}-format`,
      Image: cmd.image,
      ...(cmd.entrypoint ? { Entrypoint: cmd.entrypoint } : {}),
      Cmd: cmd.command,
      Env: Object.entries(cmd.environment).map(([k, v]) => `${k}=${v}`),
      User: `${uid}:${gid}`,
      Labels: runLabels(this.harness, this.name, `node-${slot.id}-format`),
      HostConfig: {
        // It needs no network at all.
        NetworkMode: 'none',
        Binds: [`${slot.nodeDir}:${CONTAINER_NODE_DIR}:rw`, `${slot.dataDir}:${CONTAINER_DATA_DIR}:rw`],
      },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      if (StatusCode !== 0)
        throw new HarnessError(`formatting node ${slot.id}'s data dir failed (exit ${StatusCode}); see ${join(slot.nodeDir, 'format.log')}`);
    } finally {
      await container.remove({ force: true }).catch(() => {});
    }
  }

  get toxiproxy(): ToxiproxyContainer {
    if (!this.toxiproxyContainer) throw new HarnessError('toxiproxy has not started');
    return this.toxiproxyContainer;
  }

  /** The network's name, e.g. for `docker network inspect`. */
  get networkName(): string {
    return this.network.name;
  }

  get nodeIds(): number[] {
    return [...this.slots.keys()];
  }

  private slot(id: number): NodeSlot {
    const slot = this.slots.get(id);
    if (!slot) throw new HarnessError(`no node ${id} in this cluster`);
    return slot;
  }

  private container(id: number): Dockerode.Container {
    const { container } = this.slot(id);
    if (!container) throw new HarnessError(`node ${id} has no container yet`);
    return container;
  }

  addresses(id: number): NodeAddresses {
    return {
      client: this.plan.proxyAddress(id, 'client'),
      listeners: {
        client: this.plan.listenerAddress(id, 'client'),
        replication: this.plan.listenerAddress(id, 'replication'),
        controller: this.plan.listenerAddress(id, 'controller'),
      },
      harness: this.plan.listenerAddress(id, 'harness'),
    };
  }

  containerName(id: number): string {
    return this.slot(id).containerName;
  }

  mainLog(id: number): string {
    return this.nodeKind.mainLog(this.slot(id).nodeDir);
  }

  dataDir(id: number): string {
    return this.slot(id).dataDir;
  }

  /** The first launch creates the node's sandbox and container; later ones start the container again. */
  async launch(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.container) await slot.container.start();
    else slot.container = await this.createNode(slot);
    slot.pid = (await slot.container.inspect()).State.Pid || undefined;
  }

  private async createNode(slot: NodeSlot): Promise<Dockerode.Container> {
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
    return this.engine.docker.getContainer(started.getId());
  }

  pid(id: number): number | undefined {
    return this.slot(id).pid;
  }

  async kill(id: number): Promise<void> {
    const container = this.container(id);
    await container.kill({ signal: 'SIGKILL' });
    await container.wait({ condition: 'not-running' });
  }

  async pause(id: number): Promise<void> {
    await this.container(id).pause();
  }

  async resume(id: number): Promise<void> {
    await this.container(id).unpause();
  }

  async stop(id: number, graceMs: number): Promise<void> {
    await this.container(id).stop({ t: Math.ceil(graceMs / 1000) });
  }

  async eraseData(id: number): Promise<void> {
    const slot = this.slot(id);
    const disk = this.unsynced.get(id);
    if (disk) return disk.reformat(() => this.format(slot));
    // Its next start formats the empty data dir again (see the node's start script).
    rmSync(slot.dataDir, { recursive: true, force: true });
    mkdirSync(slot.dataDir, { recursive: true });
  }

  async observe(id: number): Promise<ObservedNode> {
    const slot = this.slot(id);
    if (!slot.container) return { pid: undefined, state: 'gone' };
    const info = await slot.container.inspect();
    if (info.State.Paused) return { pid: info.State.Pid || slot.pid, state: 'paused' };
    return info.State.Running ? { pid: info.State.Pid, state: 'running' } : { pid: slot.pid, state: 'gone' };
  }

  async startupFailure(id: number): Promise<StartupFailure | undefined> {
    // Inspecting a container costs a round trip to the engine: once a second per node is enough.
    const slot = this.slot(id);
    if (Date.now() - slot.lastStartupCheck < 1000) return undefined;
    slot.lastStartupCheck = Date.now();
    const { container } = slot;
    if (!container) return undefined;
    const { State } = await container.inspect();
    if (State.Running) return undefined;
    const output = await containerOutput(container, 15).catch(() => '');
    return { exit: `exit code ${State.ExitCode}${State.Error ? `, ${State.Error}` : ''}`, output };
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

  /** What the containers printed (the brokers' own logs are already in their node dirs), and toxiproxy's. */
  async collectOutput(): Promise<void> {
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

  async shutdown(): Promise<void> {
    await this.removeContainers();
    for (const disk of this.unsynced.values()) await disk.unmount();
    this.untrack();
    this.sup.forgetTempDir(this.dataRoot);
  }
}
