import { z } from 'zod';
import { defineFault } from './fault.js';

/** A graceful restart: SIGTERM, wait for the exit, start again on the same data. */
export const restart = defineFault({
  name: 'restart',
  summary: 'gracefully restart the target nodes one after another',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    for (const n of nodes) {
      await ctx.cluster.stop(n);
      await ctx.cluster.start(n);
    }
    return undefined;
  },
});
