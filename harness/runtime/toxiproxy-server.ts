import { join } from 'node:path';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { HarnessError } from '../errors.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';
import { freePort } from './ports.js';
import type { ManagedProcess, Supervisor } from './supervisor.js';
import { pollUntil } from '../wait.js';

export interface ProxySpec {
  name: string;
  /** 127.0.0.1 port the proxy listens on. */
  listenPort: number;
  upstream: string;
}

/** A toxiproxy server process owned by the harness, with its HTTP API on a free loopback port. */
export class ToxiproxyServer {
  private constructor(
    readonly url: string,
    readonly api: Toxiproxy,
    private readonly process: ManagedProcess,
  ) {}

  static async start(sup: Supervisor, logDir: string): Promise<ToxiproxyServer> {
    const bin = provisionToxiproxy();
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const proc = sup.spawn('toxiproxy', bin, ['-host', '127.0.0.1', '-port', String(port)], {
        logFile: join(logDir, 'toxiproxy.log'),
      });
      const url = `http://127.0.0.1:${port}`;
      const answers = async () => {
        if (!proc.running) throw new Error('toxiproxy exited');
        return (await fetch(`${url}/version`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok === true;
      };
      if (await pollUntil(answers, { timeoutMs: 10_000, intervalMs: 50 }).catch(() => false)) return new ToxiproxyServer(url, new Toxiproxy(url), proc);
      proc.kill();
      await proc.exited;
    }
    throw new HarnessError(`toxiproxy did not start; see ${join(logDir, 'toxiproxy.log')}`);
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Creates a proxy; if its listen port was taken meanwhile, retries on another port. */
  async createProxy(spec: ProxySpec): Promise<{ proxy: Proxy; listenPort: number }> {
    let listenPort = spec.listenPort;
    for (let attempt = 0; ; attempt++) {
      try {
        const proxy = await this.api.createProxy({
          name: spec.name,
          listen: `127.0.0.1:${listenPort}`,
          upstream: spec.upstream,
          enabled: true,
        });
        return { proxy, listenPort };
      } catch (err) {
        if (attempt >= 4) throw err;
        listenPort = await freePort();
      }
    }
  }

  /** Points a proxy at another upstream (a node that had to move to another port). */
  async setUpstream(name: string, upstream: string): Promise<void> {
    const proxy = await this.api.get(name);
    await proxy.update({ enabled: proxy.enabled, listen: proxy.listen, upstream });
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const proxy = await this.api.get(name);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }

  async stop(): Promise<void> {
    this.process.kill();
    await this.process.exited;
  }
}
