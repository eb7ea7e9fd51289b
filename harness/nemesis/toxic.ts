import { z } from 'zod';
import { defineFault } from './fault.js';
import { expandListeners, listenersParam } from './listeners.js';

const toxicTypes = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;

/** Any toxiproxy toxic on some listeners of the target nodes; healed by removing it. */
export const toxic = defineFault({
  name: 'toxic',
  summary: 'add a toxiproxy toxic (latency, bandwidth, timeout, reset_peer, slicer...) to listeners',
  params: z
    .object({
      listeners: listenersParam,
      type: z.enum(toxicTypes),
      stream: z.enum(['upstream', 'downstream']).default('downstream'),
      toxicity: z.number().min(0).max(1).default(1),
      attributes: z.record(z.string(), z.number()).default({}),
    })
    .strict(),
  async inject(ctx, nodes, params) {
    const name = `chaos-${params.type}-${params.stream}-${ctx.random.int(1e9)}`;
    const added: { proxy: string }[] = [];
    for (const n of nodes) {
      for (const l of expandListeners(params.listeners)) {
        const proxyName = ctx.cluster.proxyName(n, l);
        const proxy = await ctx.cluster.toxiproxy.api.get(proxyName);
        await proxy.addToxic({
          name,
          type: params.type,
          stream: params.stream,
          toxicity: params.toxicity,
          attributes: params.attributes,
        });
        added.push({ proxy: proxyName });
      }
    }
    return async () => {
      for (const { proxy } of added) {
        const p = await ctx.cluster.toxiproxy.api.get(proxy);
        const t = await p.getToxic(name).catch(() => undefined);
        await t?.remove();
      }
    };
  },
});
