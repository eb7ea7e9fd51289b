import { z } from 'zod';
import { defineFault } from './fault.js';

/** Starts nodes that an earlier step stopped or killed, in the middle of a schedule. */
export const start = defineFault({
  name: 'start',
  summary: 'start target nodes that are stopped or killed',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    for (const n of nodes) {
      const state = ctx.cluster.node(n).state;
      if (state === 'stopped' || state === 'killed') await ctx.cluster.start(n);
    }
    return undefined;
  },
});
