import { z } from 'zod';
import { defineFault } from './fault.js';

/**
 * A replica loses its disk: the node is killed, its data dir erased and re-formatted, and it is
 * started again empty, to be rebuilt from the other replicas.
 */
export const wipe = defineFault({
  name: 'wipe',
  summary: 'kill the target nodes, erase their data dirs and start them again empty',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    for (const n of nodes) {
      if (ctx.cluster.node(n).state === 'running' || ctx.cluster.node(n).state === 'paused') await ctx.cluster.kill(n);
      await ctx.cluster.wipe(n);
      await ctx.cluster.start(n);
    }
    return undefined;
  },
});
