import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterSecurity, type ClientSecurity, type SecuritySettings } from '../../security/cluster-security.js';
import { HarnessError, errorMessage } from '../../errors.js';
import { log } from '../../log.js';
import type { Cluster, ClusterTimings, ListenerKind, NodeInfo, NodeState, ObservedNode } from '../cluster.js';
import { LISTENER_KINDS } from '../cluster.js';
import { freePorts } from '../ports.js';
import { processState } from '../proc.js';
import { supervisor, type ManagedProcess, type Supervisor } from '../supervisor.js';
import { ToxiproxyServer } from '../toxiproxy-server.js';
import { randomClusterId } from './kafka-launcher.js';
import type { NodeLauncher } from './launcher.js';
import { LISTENER_NAMES, type ClusterLayout, type NodeLayout } from './layout.js';
import { sleep } from '../../wait.js';
import { tail, waitUntilRegistered } from '../readiness.js';

export interface ProcessClusterOptions {
  launcher: NodeLauncher;
  nodes: number;
  brokerConfig?: Record<string, string>;
  /** Where configs and broker logs go (kept); data dirs always live in a temp dir. */
  logDir: string;
  readyTimeoutMs?: number;
  /** TLS and SASL on every listener (--security); plaintext when absent. */
  security?: SecuritySettings;
}

interface NodeSlot {
  layout: NodeLayout;
  process: ManagedProcess | undefined;
  state: NodeState;
  /** Times this node moved to other ports because one of its own was taken during start-up. */
  portMoves: number;
  /** Sizes of the node's logs when it was last spawned: what follows is this start's output. */
  logSizesAtSpawn: { main: number; stdout: number };
}

/** How brokers say that a port they were given is taken (Kafka, broker-ts). */
const PORT_TAKEN = /Address already in use|EADDRINUSE/i;
const MAX_PORT_MOVES = 3;

/** The proxy in front of a node's listener, which that node advertises. */
function listenerProxy(node: number, listener: ListenerKind): string {
  return `n${node}-${listener}`;
}

/** The proxy controller traffic from node `from` to node `to` crosses. */
function controllerPairProxy(from: number, to: number): string {
  return `n${from}-to-n${to}-controller`;
}

async function waitForState(pid: number, ok: (state: string) => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = processState(pid);
    if (state === undefined || ok(state) || Date.now() > deadline) return;
    await sleep(5);
  }
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** What was appended to `file` after it was `offset` bytes long. */
function writtenSince(file: string, offset: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file).subarray(offset).toString('utf8');
}

/** The embedded default runtime: every node and toxiproxy as a local process on 127.0.0.1. */
export class ProcessCluster implements Cluster {
  readonly runtime = 'process' as const;
  readonly timings: ClusterTimings = { startupMs: 0 };
  private readonly slots = new Map<number, NodeSlot>();
  private closed = false;

  private constructor(
    private readonly sup: Supervisor,
    private readonly launcher: NodeLauncher,
    readonly toxiproxy: ToxiproxyServer,
    readonly logDir: string,
    private readonly dataRoot: string,
    private readonly layout: ClusterLayout,
  ) {
    for (const node of layout.nodes)
      this.slots.set(node.id, { layout: node, process: undefined, state: 'stopped', portMoves: 0, logSizesAtSpawn: { main: 0, stdout: 0 } });
  }

  get broker() {
    return this.launcher.broker;
  }

  get clientSecurity(): ClientSecurity | undefined {
    return this.layout.security?.client;
  }

  get brokerVersion(): string {
    return this.launcher.version;
  }

  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const sup = supervisor();
    mkdirSync(options.logDir, { recursive: true });
    const dataRoot = sup.tempDir(options.launcher.broker);
    const toxiproxy = await ToxiproxyServer.start(sup, options.logDir);
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
    const layout: ClusterLayout = { clusterId: randomClusterId(), nodes, brokerConfig: options.brokerConfig ?? {} };
    if (options.security !== undefined && options.security.mode !== 'plaintext') {
      // Certificates and keys stay in the run's temp dir, removed with it.
      layout.security = new ClusterSecurity(
        options.security,
        join(dataRoot, 'security'),
        nodes.map((n) => n.id),
        LISTENER_NAMES,
      );
    }
    const cluster = new ProcessCluster(sup, options.launcher, toxiproxy, options.logDir, dataRoot, layout);
    try {
      for (const node of nodes) {
        for (const kind of LISTENER_KINDS) {
          const { listenPort } = await toxiproxy.createProxy({
            name: listenerProxy(node.id, kind),
            listenPort: node.proxyPorts[kind],
            upstream: `127.0.0.1:${node.ports[kind]}`,
          });
          node.proxyPorts[kind] = listenPort;
        }
        for (const [src, port] of Object.entries(node.controllerPeerPorts)) {
          const { listenPort } = await toxiproxy.createProxy({
            name: controllerPairProxy(Number(src), node.id),
            listenPort: port,
            upstream: `127.0.0.1:${node.ports.controller}`,
          });
          node.controllerPeerPorts[Number(src)] = listenPort;
        }
      }
      await options.launcher.prepare(layout);
      const started = performance.now();
      for (const node of nodes) cluster.spawnNode(cluster.slots.get(node.id)!);
      await cluster.waitReady(options.readyTimeoutMs ?? 120_000);
      cluster.timings.startupMs = Math.round(performance.now() - started);
      log.info({ broker: cluster.broker, version: cluster.brokerVersion, nodes: options.nodes, startupMs: cluster.timings.startupMs }, 'cluster ready');
      return cluster;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  private spawnNode(slot: NodeSlot): void {
    const cmd = this.launcher.command(slot.layout);
    slot.logSizesAtSpawn = { main: sizeOf(this.launcher.mainLog(slot.layout)), stdout: sizeOf(join(slot.layout.logDir, 'stdout.log')) };
    slot.process = this.sup.spawn(`${this.broker}-node-${slot.layout.id}`, cmd.command, cmd.args, {
      env: cmd.env,
      logFile: join(slot.layout.logDir, 'stdout.log'),
    });
    slot.state = 'running';
  }

  /** Ready: a Metadata request through the client proxies lists every node. */
  private async waitReady(timeoutMs: number, expected = this.slots.size): Promise<void> {
    await waitUntilRegistered(this, {
      expected,
      timeoutMs,
      checkNodes: async () => {
        for (const slot of this.slots.values()) {
          if (slot.state !== 'running' || !slot.process || slot.process.running) continue;
          if (await this.moveIfPortTaken(slot)) continue;
          const status = slot.process.exitStatus;
          throw new HarnessError(
            `${this.broker} node ${slot.layout.id} exited during start-up (code ${status?.code}, signal ${status?.signal}). ` +
              `Last lines of ${this.launcher.mainLog(slot.layout)}:\n${tail(this.launcher.mainLog(slot.layout))}\n` +
              `stdout/stderr:\n${tail(join(slot.layout.logDir, 'stdout.log'), 15)}`,
          );
        }
      },
      mainLogs: () => [...this.slots.values()].map((s) => ({ id: s.layout.id, file: this.launcher.mainLog(s.layout) })),
    });
  }

  /**
   * Someone else bound one of the node's ports between the moment the harness picked it and the
   * node's start: the node gets other ports (its proxies follow, so what it advertises stays the
   * same) and starts again. False when that is not what happened, or it keeps happening.
   */
  private async moveIfPortTaken(slot: NodeSlot): Promise<boolean> {
    const { layout } = slot;
    // The whole of this start's output: Kafka logs the bind failure, then its full configuration
    // (hundreds of lines) as it shuts down, so a tail can miss it.
    const output = `${writtenSince(this.launcher.mainLog(layout), slot.logSizesAtSpawn.main)}\n${writtenSince(join(layout.logDir, 'stdout.log'), slot.logSizesAtSpawn.stdout)}`;
    const bindFailure = output.split('\n').find((line) => PORT_TAKEN.test(line));
    if (bindFailure === undefined || slot.portMoves >= MAX_PORT_MOVES) return false;
    slot.portMoves += 1;
    let ports: number[];
    try {
      ports = await freePorts(4);
    } catch (err) {
      throw new HarnessError(
        `${this.broker} node ${layout.id} could not bind one of its ports (someone else took it) and no other port is free: ${errorMessage(err)}\n` +
          `The node said: ${bindFailure.trim()}\nLast lines of ${this.launcher.mainLog(layout)}:\n${tail(this.launcher.mainLog(layout))}`,
      );
    }
    const [client, replication, controller, harness] = ports as [number, number, number, number];
    log.warn(
      { node: layout.id, from: layout.ports, to: { client, replication, controller, harness } },
      'a port of the node was taken by someone else: moving it to other ports',
    );
    layout.ports = { client, replication, controller, harness };
    for (const kind of LISTENER_KINDS) await this.toxiproxy.setUpstream(listenerProxy(layout.id, kind), `127.0.0.1:${layout.ports[kind]}`);
    for (const src of Object.keys(layout.controllerPeerPorts))
      await this.toxiproxy.setUpstream(controllerPairProxy(Number(src), layout.id), `127.0.0.1:${controller}`);
    await this.launcher.prepare(this.layout, [layout]);
    this.spawnNode(slot);
    return true;
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
    const { layout, process, state } = this.slot(id);
    return {
      id,
      state,
      pid: process?.running ? process.pid : undefined,
      clientAddress: `127.0.0.1:${layout.proxyPorts.client}`,
      listeners: {
        client: `127.0.0.1:${layout.ports.client}`,
        replication: `127.0.0.1:${layout.ports.replication}`,
        controller: `127.0.0.1:${layout.ports.controller}`,
      },
      harnessAddress: `127.0.0.1:${layout.ports.harness}`,
      proxies: {
        client: this.proxyNames(id, 'client'),
        replication: this.proxyNames(id, 'replication'),
        controller: this.proxyNames(id, 'controller'),
      },
    };
  }

  bootstrapServers(): string[] {
    return [...this.slots.values()].map((s) => `127.0.0.1:${s.layout.proxyPorts.client}`);
  }

  harnessServers(): string[] {
    return [...this.slots.values()].map((s) => `127.0.0.1:${s.layout.ports.harness}`);
  }

  proxyNames(node: number, listener: ListenerKind): string[] {
    this.slot(node);
    if (listener !== 'controller') return [listenerProxy(node, listener)];
    const peers = this.nodeIds().filter((n) => n !== node);
    return [listenerProxy(node, 'controller'), ...peers.map((p) => controllerPairProxy(p, node)), ...peers.map((p) => controllerPairProxy(node, p))];
  }

  private running(id: number): ManagedProcess {
    const slot = this.slot(id);
    if (!slot.process?.running) throw new HarnessError(`node ${id} is not running (${slot.state})`);
    return slot.process;
  }

  async kill(id: number): Promise<void> {
    const proc = this.running(id);
    proc.kill();
    await proc.exited;
    this.slot(id).state = 'killed';
  }

  async pause(id: number): Promise<void> {
    const proc = this.running(id);
    proc.signal('SIGSTOP');
    // Signals are delivered asynchronously: return once the kernel shows the process stopped.
    await waitForState(proc.pid, (s) => s === 'T' || s === 't');
    this.slot(id).state = 'paused';
  }

  async resume(id: number): Promise<void> {
    const proc = this.running(id);
    proc.signal('SIGCONT');
    await waitForState(proc.pid, (s) => s !== 'T' && s !== 't');
    this.slot(id).state = 'running';
  }

  async stop(id: number): Promise<void> {
    const proc = this.running(id);
    await proc.stop(60_000);
    this.slot(id).state = 'stopped';
  }

  async start(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.process?.running) throw new HarnessError(`node ${id} is already running`);
    this.spawnNode(slot);
  }

  async wipe(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.process?.running) throw new HarnessError(`node ${id} must be stopped before its data dir is erased`);
    rmSync(slot.layout.dataDir, { recursive: true, force: true });
    await this.launcher.prepare(this.layout, [slot.layout]);
  }

  async observeNode(id: number): Promise<ObservedNode> {
    const pid = this.slot(id).process?.pid;
    const state = pid === undefined ? undefined : processState(pid);
    if (state === undefined || state === 'Z' || state === 'X') return { pid, state: 'gone' };
    return { pid, state: state === 'T' || state === 't' ? 'paused' : 'running' };
  }

  dataDirEntries(id: number): string[] {
    const dir = this.slot(id).layout.dataDir;
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots.values()) slot.process?.kill();
    await Promise.all([...this.slots.values()].map((s) => s.process?.exited));
    await this.toxiproxy.stop();
    this.sup.forgetTempDir(this.dataRoot);
  }
}
