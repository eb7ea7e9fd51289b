// broker-ts as a real process (`node bin/broker-ts.js --config server.properties`), the way the
// harness runs it: for integration tests with kafkajs, kill -9 and restarts. Ports are chosen once,
// so a restarted node keeps its address and clients find it again.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiKey, WireClient } from '@kafka-chaos/protocol';
import type { WireClientOptions } from '@kafka-chaos/protocol';
import { freePort } from './free-port.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'broker-ts.js');

export interface BrokerProcessOptions {
  /** Extra server.properties settings. */
  properties?: Record<string, string>;
  /** Milliseconds to wait for the node to answer Metadata. */
  startTimeoutMs?: number;
  /** How to reach the CLIENT listener when its security protocol is not PLAINTEXT. */
  clientSecurity?: Pick<WireClientOptions, 'tls' | 'sasl'>;
  /** Ports to use instead of free ones (for listeners named in `properties`). */
  ports?: { client: number; controller: number };
  /** Extra environment of the process (BROKER_TS_LOG_LEVEL, NODE_OPTIONS...). */
  env?: Record<string, string>;
}

export class BrokerProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly configFile: string,
    readonly logFile: string,
    private readonly startTimeoutMs: number,
    private readonly clientSecurity: Pick<WireClientOptions, 'tls' | 'sasl'>,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'broker-ts-process-'));
    const [port, controllerPort] = options.ports !== undefined ? [options.ports.client, options.ports.controller] : [await freePort(), await freePort()];
    const properties: Record<string, string> = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      listeners: `CLIENT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `CLIENT://127.0.0.1:${port}`,
      'listener.security.protocol.map': 'CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'CLIENT',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      'log.dirs': join(dir, 'data'),
      'offsets.topic.replication.factor': '1',
      'offsets.topic.num.partitions': '3',
      'group.initial.rebalance.delay.ms': '0',
      ...options.properties,
    };
    const configFile = join(dir, 'server.properties');
    writeFileSync(
      configFile,
      Object.entries(properties)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    const node = new BrokerProcess(
      dir,
      port,
      configFile,
      join(dir, 'server.log'),
      options.startTimeoutMs ?? 30_000,
      options.clientSecurity ?? {},
      options.env ?? {},
    );
    await node.launch();
    return node;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process (again, on the same data) and waits until it serves Metadata. */
  async launch(): Promise<void> {
    const child = spawn(process.execPath, [BIN, '--config', this.configFile], {
      env: { ...process.env, ...this.env, BROKER_TS_LOG_FILE: this.logFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`broker-ts exited during start-up: ${stderr}\n${this.logTail()}`);
      if (await this.answersMetadata()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`broker-ts did not start within ${this.startTimeoutMs} ms\n${this.logTail()}`);
  }

  /** SIGKILL, as a crash. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.child?.exitCode ?? null;
    this.child!.kill('SIGTERM');
    return (await this.exit!).code;
  }

  /** Stops the process if it runs and removes its directory. */
  async destroy(): Promise<void> {
    if (this.running) await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  private async answersMetadata(): Promise<boolean> {
    let client: WireClient | undefined;
    try {
      client = await WireClient.connect({ host: '127.0.0.1', port: this.port, connectTimeoutMs: 1000, requestTimeoutMs: 2000, ...this.clientSecurity });
      const response = await client.send(ApiKey.Metadata, 1, { topics: [] });
      return response.brokers.length > 0;
    } catch {
      return false;
    } finally {
      await client?.close();
    }
  }
}
