import { z } from 'zod';
import { nodesAre, restartDown } from './evidence.js';
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
      heal: () => restartDown(ctx, nodes, 'killed'),
    };
  },
});
