import type { ScenarioContext } from './context.js';

export interface ToxicSpec {
  type: 'timeout' | 'reset_peer' | 'latency' | 'slicer' | 'limit_data' | 'bandwidth' | 'slow_close';
  stream: 'upstream' | 'downstream';
  attributes: Record<string, number>;
}

let serial = 0;

/**
 * Adds a toxic to the client proxies of `node` and returns its removal. The removal is also
 * registered as clean-up: the cluster is shared with the scenarios after this one, which must
 * not inherit a fault.
 */
export async function poisonClientTraffic(ctx: ScenarioContext, node: number, toxic: ToxicSpec): Promise<() => Promise<void>> {
  const name = `compat-${ctx.scenario}-${toxic.type}-${++serial}`;
  const proxies = ctx.cluster.proxyNames(node, 'client');
  const api = ctx.cluster.toxiproxy.api;
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    for (const proxyName of proxies) {
      const proxy = await api.get(proxyName);
      const added = await proxy.getToxic(name).catch(() => undefined);
      await added?.remove();
    }
  };
  ctx.onCleanup(remove);
  for (const proxyName of proxies) {
    const proxy = await api.get(proxyName);
    await proxy.addToxic({ name, type: toxic.type, stream: toxic.stream, toxicity: 1, attributes: toxic.attributes });
  }
  ctx.log.info({ node, proxies, toxic: toxic.type, stream: toxic.stream }, 'toxic added');
  return remove;
}
