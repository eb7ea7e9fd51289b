import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterSecurity, type ClientSecurity, type SecuritySettings } from '../../security/cluster-security.js';
import { HarnessError, errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import type { NodeDisks, ObservedNode } from '../cluster.js';
import { LISTENER_KINDS } from '../cluster.js';
import { NodeCluster } from '../node-cluster.js';
import type { NodeAddresses, NodeDriver, StartupFailure } from '../node-driver.js';
import { freePorts } from '../ports.js';
import { processState } from '../proc.js';
import { listenerProxyName, pairProxyName } from '../proxy-names.js';
import { tail } from '../readiness.js';
import { supervisor, type ManagedProcess, type Supervisor } from '../supervisor.js';
import { ToxiproxyServer } from '../toxiproxy-server.js';
import { UnsyncedDisk, nodeDisks } from '../unsynced-disk.js';
import { pollUntil } from '../../wait.js';
import { randomClusterId } from './kafka-launcher.js';
import type { NodeLauncher } from './launcher.js';
import { LISTENER_NAMES, type ClusterLayout, type NodeLayout } from './layout.js';

export interface ProcessClusterOptions {
  launcher: NodeLauncher;
  nodes: number;
  brokerConfig?: Record<string, string>;
  /** Where configs and broker logs go (kept); data dirs always live in a temp dir. */
  logDir: string;
  readyTimeoutMs?: number;
  /** TLS and SASL on every listener (--security); plaintext when absent. */
  security?: SecuritySettings;
  /** Every node's data dir on the unsynced filesystem (power cuts). */
  unsyncedDisks?: boolean;
  /** With unsyncedDisks: each node's filesystem records every change in `<traceDir>/node-<id>.trace` (the crash-point test). */
  traceDir?: string;
  /** The cluster's id, for nodes started on data dirs of an earlier cluster (random when absent). */
  clusterId?: string;
}

/** The embedded default runtime: every node and toxiproxy as a local process on 127.0.0.1. */
export async function startProcessCluster(options: ProcessClusterOptions): Promise<NodeCluster<ProcessNodeDriver>> {
  const driver = await ProcessNodeDriver.create(options);
  return NodeCluster.start(driver, options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {});
}

interface NodeProcess {
  layout: NodeLayout;
  process: ManagedProcess | undefined;
  /** Times this node moved to other ports because one of its own was taken during start-up. */
  portMoves: number;
  /** Sizes of the node's logs when it was last spawned: what follows is this start's output. */
  logSizesAtSpawn: { main: number; stdout: number };
}

/** How brokers say that a port they were given is taken (Kafka, broker-ts). */
const PORT_TAKEN = /Address already in use|EADDRINUSE/i;
const MAX_PORT_MOVES = 3;

async function waitForState(pid: number, ok: (state: string) => boolean, timeoutMs = 2000): Promise<void> {
  await pollUntil(
    () => {
      const state = processState(pid);
      return state === undefined || ok(state);
    },
    { timeoutMs, intervalMs: 5 },
  );
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** What was appended to `file` after it was `offset` bytes long. */
function writtenSince(file: string, offset: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file).subarray(offset).toString('utf8');
}

/**
 * Nodes as child processes of the harness (in their own process groups, reaped with it), each
 * listening on free ports of 127.0.0.1 behind a local toxiproxy server. Its output goes to
 * `node-<id>/stdout.log` as it runs.
 */
export class ProcessNodeDriver implements NodeDriver {
  readonly runtime = 'process' as const;
  private readonly nodes = new Map<number, NodeProcess>();
  /** Each node's unsynced filesystem, when the cluster has them. */
  private readonly unsynced = new Map<number, UnsyncedDisk>();

  private constructor(
    private readonly sup: Supervisor,
    private readonly launcher: NodeLauncher,
    readonly toxiproxy: ToxiproxyServer,
    readonly logDir: string,
    private readonly dataRoot: string,
    private readonly layout: ClusterLayout,
  ) {
    for (const node of layout.nodes) this.nodes.set(node.id, { layout: node, process: undefined, portMoves: 0, logSizesAtSpawn: { main: 0, stdout: 0 } });
  }

  /** Ports, toxiproxy and its proxies, configs and formatted data dirs: every node ready to launch. */
  static async create(options: ProcessClusterOptions): Promise<ProcessNodeDriver> {
    const sup = supervisor();
    mkdirSync(options.logDir, { recursive: true });
    const dataRoot = sup.tempDir(options.launcher.broker);
    let toxiproxy: ToxiproxyServer;
    try {
      toxiproxy = await ToxiproxyServer.start(sup, options.logDir);
    } catch (err) {
      sup.forgetTempDir(dataRoot);
      throw err;
    }
    const nodes: NodeLayout[] = [];
    for (let id = 1; id <= options.nodes; id++) {
      const [client, replication, controller, harness, pClient, pRepl, pCtl] = (await freePorts(7)) as [number, number, number, number, number, number, number];
      const controllerPeerPorts: Record<number, number> = {};
      for (let src = 1; src <= options.nodes; src++) if (src !== id) controllerPeerPorts[src] = (await freePorts(1))[0]!;
      nodes.push({
        id,
        ports: { client, replication, controller, harness },
        proxyPorts: { client: pClient, replication: pRepl, controller: pCtl },
        controllerPeerPorts,
        dataDir: join(dataRoot, `node-${id}`),
        logDir: join(options.logDir, `node-${id}`),
      });
    }
    const layout: ClusterLayout = { clusterId: options.clusterId ?? randomClusterId(), nodes, brokerConfig: options.brokerConfig ?? {} };
    if (options.security !== undefined && options.security.mode !== 'plaintext') {
      // Certificates and keys stay in the run's temp dir, removed with it.
      layout.security = new ClusterSecurity(
        options.security,
        join(dataRoot, 'security'),
        nodes.map((n) => n.id),
        LISTENER_NAMES,
      );
    }
    const driver = new ProcessNodeDriver(sup, options.launcher, toxiproxy, options.logDir, dataRoot, layout);
    try {
      for (const node of nodes) {
        for (const kind of LISTENER_KINDS) {
          const { listenPort } = await toxiproxy.createProxy({
            name: listenerProxyName(node.id, kind),
            listenPort: node.proxyPorts[kind],
            upstream: `127.0.0.1:${node.ports[kind]}`,
          });
          node.proxyPorts[kind] = listenPort;
        }
        for (const [src, port] of Object.entries(node.controllerPeerPorts)) {
          const { listenPort } = await toxiproxy.createProxy({
            name: pairProxyName(Number(src), node.id),
            listenPort: port,
            upstream: `127.0.0.1:${node.ports.controller}`,
          });
          node.controllerPeerPorts[Number(src)] = listenPort;
        }
      }
      await options.launcher.prepare(layout);
      if (options.unsyncedDisks) {
        for (const node of nodes) {
          const trace = options.traceDir === undefined ? undefined : join(options.traceDir, `node-${node.id}.trace`);
          driver.unsynced.set(node.id, await UnsyncedDisk.mountOver(sup, node.id, node.dataDir, node.logDir, trace));
        }
      }
      return driver;
    } catch (err) {
      await driver.shutdown();
      throw err;
    }
  }

  get broker() {
    return this.launcher.broker;
  }

  get version(): string {
    return this.launcher.version;
  }

  get clientSecurity(): ClientSecurity | undefined {
    return this.layout.security?.client;
  }

  get disks(): NodeDisks | undefined {
    return nodeDisks(this.unsynced);
  }

  get nodeIds(): number[] {
    return [...this.nodes.keys()];
  }

  private node(id: number): NodeProcess {
    const node = this.nodes.get(id);
    if (!node) throw new HarnessError(`no node ${id} in this cluster`);
    return node;
  }

  addresses(id: number): NodeAddresses {
    const { ports, proxyPorts } = this.node(id).layout;
    return {
      client: `127.0.0.1:${proxyPorts.client}`,
      listeners: { client: `127.0.0.1:${ports.client}`, replication: `127.0.0.1:${ports.replication}`, controller: `127.0.0.1:${ports.controller}` },
      harness: `127.0.0.1:${ports.harness}`,
    };
  }

  mainLog(id: number): string {
    return this.launcher.mainLog(this.node(id).layout);
  }

  private stdoutLog(id: number): string {
    return join(this.node(id).layout.logDir, 'stdout.log');
  }

  dataDir(id: number): string {
    return this.node(id).layout.dataDir;
  }

  async launch(id: number): Promise<void> {
    const node = this.node(id);
    const cmd = this.launcher.command(node.layout);
    node.logSizesAtSpawn = { main: sizeOf(this.mainLog(id)), stdout: sizeOf(this.stdoutLog(id)) };
    node.process = this.sup.spawn(`${this.broker}-node-${id}`, cmd.command, cmd.args, { env: cmd.env, logFile: this.stdoutLog(id) });
  }

  pid(id: number): number | undefined {
    const { process } = this.node(id);
    return process?.running ? process.pid : undefined;
  }

  /** The node's process, if it runs: as the kernel sees it, before Node.js has reaped it. */
  private running(id: number): ManagedProcess {
    const { process } = this.node(id);
    const state = process?.running ? processState(process.pid) : undefined;
    if (!process || state === undefined || state === 'Z' || state === 'X') throw new HarnessError(`node ${id} is not running (its process exited)`);
    return process;
  }

  async kill(id: number): Promise<void> {
    const proc = this.running(id);
    proc.kill();
    await proc.exited;
  }

  async pause(id: number): Promise<void> {
    const proc = this.running(id);
    proc.signal('SIGSTOP');
    // Signals are delivered asynchronously: return once the kernel shows the process stopped.
    await waitForState(proc.pid, (s) => s === 'T' || s === 't');
  }

  async resume(id: number): Promise<void> {
    const proc = this.running(id);
    proc.signal('SIGCONT');
    await waitForState(proc.pid, (s) => s !== 'T' && s !== 't');
  }

  async stop(id: number, graceMs: number): Promise<void> {
    await this.running(id).stop(graceMs);
  }

  async eraseData(id: number): Promise<void> {
    const { layout } = this.node(id);
    const disk = this.unsynced.get(id);
    if (disk) return disk.reformat(() => this.launcher.prepare(this.layout, [layout]));
    rmSync(layout.dataDir, { recursive: true, force: true });
    await this.launcher.prepare(this.layout, [layout]);
  }

  async observe(id: number): Promise<ObservedNode> {
    const pid = this.node(id).process?.pid;
    const state = pid === undefined ? undefined : processState(pid);
    if (state === undefined || state === 'Z' || state === 'X') return { pid, state: 'gone' };
    return { pid, state: state === 'T' || state === 't' ? 'paused' : 'running' };
  }

  async startupFailure(id: number): Promise<StartupFailure | undefined> {
    const node = this.node(id);
    if (!node.process || node.process.running) return undefined;
    if (await this.moveIfPortTaken(node)) return undefined;
    const status = node.process.exitStatus;
    return { exit: `code ${status?.code}, signal ${status?.signal}`, output: tail(this.stdoutLog(id), 15) };
  }

  /**
   * Someone else bound one of the node's ports between the moment the harness picked it and the
   * node's start: the node gets other ports (its proxies follow, so what it advertises stays the
   * same) and starts again. False when that is not what happened, or it keeps happening.
   */
  private async moveIfPortTaken(node: NodeProcess): Promise<boolean> {
    const { layout } = node;
    // The whole of this start's output: Kafka logs the bind failure, then its full configuration
    // (hundreds of lines) as it shuts down, so a tail can miss it.
    const output = `${writtenSince(this.mainLog(layout.id), node.logSizesAtSpawn.main)}\n${writtenSince(this.stdoutLog(layout.id), node.logSizesAtSpawn.stdout)}`;
    const bindFailure = output.split('\n').find((line) => PORT_TAKEN.test(line));
    if (bindFailure === undefined || node.portMoves >= MAX_PORT_MOVES) return false;
    node.portMoves += 1;
    let ports: number[];
    try {
      ports = await freePorts(4);
    } catch (err) {
      throw new HarnessError(
        `${this.broker} node ${layout.id} could not bind one of its ports (someone else took it) and no other port is free: ${errorMessage(err)}\n` +
          `The node said: ${bindFailure.trim()}\nLast lines of ${this.mainLog(layout.id)}:\n${tail(this.mainLog(layout.id))}`,
      );
    }
    const [client, replication, controller, harness] = ports as [number, number, number, number];
    log.warn(
      { node: layout.id, from: layout.ports, to: { client, replication, controller, harness } },
      'a port of the node was taken by someone else: moving it to other ports',
    );
    layout.ports = { client, replication, controller, harness };
    for (const kind of LISTENER_KINDS) await this.toxiproxy.setUpstream(listenerProxyName(layout.id, kind), `127.0.0.1:${layout.ports[kind]}`);
    for (const src of Object.keys(layout.controllerPeerPorts))
      await this.toxiproxy.setUpstream(pairProxyName(Number(src), layout.id), `127.0.0.1:${controller}`);
    await this.launcher.prepare(this.layout, [layout]);
    await this.launch(layout.id);
    return true;
  }

  /** Every node writes its output to its log dir as it runs: nothing to collect. */
  async collectOutput(): Promise<void> {}

  async shutdown(): Promise<void> {
    for (const node of this.nodes.values()) node.process?.kill();
    await Promise.all([...this.nodes.values()].map((n) => n.process?.exited));
    for (const disk of this.unsynced.values()) await disk.unmount();
    await this.toxiproxy.stop();
    this.sup.forgetTempDir(this.dataRoot);
  }
}
