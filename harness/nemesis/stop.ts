import { z } from 'zod';
import { nodesAre, restartDown } from './evidence.js';
import { defineFault } from './fault.js';

/** SIGTERM and wait: a clean shutdown (leadership handed over, logs closed). Healed by a start. */
export const stop = defineFault({
  name: 'stop',
  summary: 'gracefully stop the target nodes (SIGTERM); heal starts them',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    for (const n of nodes) await ctx.cluster.stop(n);
    return {
      evidence: await nodesAre(ctx, nodes, 'gone'),
      heal: () => restartDown(ctx, nodes, 'stopped'),
    };
  },
});
