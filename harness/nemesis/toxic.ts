import { z } from 'zod';
import { toxicListed } from './evidence.js';
import { defineFault } from './fault.js';
import { listenersParam, proxiesOf } from './listeners.js';

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
    const proxies = proxiesOf(ctx.cluster, nodes, params.listeners);
    for (const proxyName of proxies) {
      const proxy = await ctx.cluster.toxiproxy.api.get(proxyName);
      await proxy.addToxic({
        name,
        type: params.type,
        stream: params.stream,
        toxicity: params.toxicity,
        attributes: params.attributes,
      });
    }
    return {
      evidence: await toxicListed(ctx, proxies, name, true),
      heal: async () => {
        for (const proxyName of proxies) {
          const proxy = await ctx.cluster.toxiproxy.api.get(proxyName);
          const toxic = await proxy.getToxic(name).catch(() => undefined);
          await toxic?.remove();
        }
        return toxicListed(ctx, proxies, name, false);
      },
    };
  },
});
