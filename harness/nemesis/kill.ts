import { z } from 'zod';
import { nodesAre, nodesRestarted, pidsOf } from './evidence.js';
import { defineFault } from './fault.js';

/** SIGKILL: the process dies without flushing or closing anything. Healed by starting it again. */
export const kill = defineFault({
  name: 'kill',
  summary: 'kill -9 the target nodes; heal restarts them on the same data',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    for (const n of nodes) await ctx.cluster.kill(n);
    return {
      evidence: await nodesAre(ctx, nodes, 'gone'),
      heal: async () => {
        const before = await pidsOf(ctx, nodes);
        for (const n of nodes) if (ctx.cluster.node(n).state === 'killed') await ctx.cluster.start(n);
        return nodesRestarted(ctx, before);
      },
    };
  },
});
