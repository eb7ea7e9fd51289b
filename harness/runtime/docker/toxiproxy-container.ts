import { Toxiproxy } from 'toxiproxy-node-client';
import { HarnessError, errorMessage } from '../../errors.js';
import type { ToxiproxyControl } from '../cluster.js';
import { TOXIPROXY_API_PORT, type ProxyPlan } from './address-plan.js';
import type { DockerEngine } from './engine.js';
import { RuntimeContainer } from './runtime-container.js';
import type { RunNetwork } from './network.js';
import { pollUntil } from '../../wait.js';

export interface ToxiproxyContainerOptions {
  image: string;
  name: string;
  network: RunNetwork;
  address: string;
  labels: Record<string, string>;
}

/** The toxiproxy server of a docker cluster, in its own container on the run's network. */
export class ToxiproxyContainer implements ToxiproxyControl {
  private constructor(
    readonly url: string,
    readonly api: Toxiproxy,
    readonly pid: number,
    readonly containerId: string,
  ) {}

  static async start(engine: DockerEngine, options: ToxiproxyContainerOptions): Promise<ToxiproxyContainer> {
    const started = await new RuntimeContainer(options.image)
      .atAddress(options.network, options.address)
      .withName(options.name)
      .withLabels(options.labels)
      // The image's entry point is the server; listen on the container's own interfaces only.
      .withCommand(['-host=0.0.0.0', `-port=${TOXIPROXY_API_PORT}`])
      .start();
    const url = `http://${options.address}:${TOXIPROXY_API_PORT}`;
    const container = engine.docker.getContainer(started.getId());
    let last = 'no answer yet';
    let exited = false;
    const answered = await pollUntil(
      async () => {
        try {
          const res = await fetch(`${url}/version`, { signal: AbortSignal.timeout(1000) });
          last = `HTTP ${res.status}`;
          return res.ok;
        } catch (err) {
          last = errorMessage(err);
          exited = !(await container.inspect()).State.Running;
          return exited;
        }
      },
      { timeoutMs: 20_000 },
    );
    if (answered && !exited) {
      const pid = (await container.inspect()).State.Pid;
      return new ToxiproxyContainer(url, new Toxiproxy(url), pid, started.getId());
    }
    const logs = (await container.logs({ stdout: true, stderr: true, tail: 20 })).toString();
    throw new HarnessError(`toxiproxy in container ${options.name} did not answer at ${url} (${last}). Its last output:\n${logs}`);
  }

  /** Creates every proxy in one request. */
  async createProxies(plans: ProxyPlan[]): Promise<void> {
    await this.api.populate(plans.map((p) => ({ ...p, enabled: true })));
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const proxy = await this.api.get(name);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }
}
