import { z } from 'zod';
import { nodesAre } from './evidence.js';
import { defineFault } from './fault.js';

/** SIGSTOP: the process is frozen with its connections open, like a long GC pause or a hung VM. */
export const pause = defineFault({
  name: 'pause',
  summary: 'SIGSTOP the target nodes; heal sends SIGCONT',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    for (const n of nodes) await ctx.cluster.pause(n);
    return {
      evidence: await nodesAre(ctx, nodes, 'paused'),
      heal: async () => {
        for (const n of nodes) if (ctx.cluster.node(n).state === 'paused') await ctx.cluster.resume(n);
        return nodesAre(ctx, nodes, 'running');
      },
    };
  },
});
