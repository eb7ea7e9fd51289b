import { z } from 'zod';
import { defineFault } from './fault.js';
import { expandListeners, listenersParam } from './listeners.js';

/**
 * Disables the proxies in front of some listeners of the target nodes: their connections are
 * closed and new ones refused, so that kind of traffic to those nodes stops. Healed by enabling.
 */
export const cut = defineFault({
  name: 'cut',
  summary: 'cut traffic to some listeners of the target nodes (proxy disabled)',
  params: z.object({ listeners: listenersParam }).strict(),
  async inject(ctx, nodes, params) {
    const proxies = nodes.flatMap((n) => expandListeners(params.listeners).map((l) => ctx.cluster.proxyName(n, l)));
    for (const p of proxies) await ctx.cluster.toxiproxy.setEnabled(p, false);
    return async () => {
      for (const p of proxies) await ctx.cluster.toxiproxy.setEnabled(p, true);
    };
  },
});
