import { z } from 'zod';
import { proxiesCut, proxiesEnabled } from './evidence.js';
import { defineFault } from './fault.js';
import { listenersParam, proxiesOf } from './listeners.js';

/**
 * Disables the proxies of some listeners of the target nodes: their connections are closed and
 * new ones refused, so that kind of traffic to (and, for the controller, from) those nodes stops.
 * Healed by enabling them again.
 */
export const cut = defineFault({
  name: 'cut',
  summary: 'cut traffic to some listeners of the target nodes (proxy disabled)',
  params: z.object({ listeners: listenersParam }).strict(),
  async inject(ctx, nodes, params) {
    const proxies = proxiesOf(ctx.cluster, nodes, params.listeners);
    for (const p of proxies) await ctx.cluster.toxiproxy.setEnabled(p, false);
    return {
      evidence: await proxiesCut(ctx, proxies),
      heal: async () => {
        for (const p of proxies) await ctx.cluster.toxiproxy.setEnabled(p, true);
        return proxiesEnabled(ctx, proxies);
      },
    };
  },
});
