import { z } from 'zod';
import { nodesAre, nodesRestarted, pidsOf } from './evidence.js';
import { defineFault } from './fault.js';

/** A graceful restart: SIGTERM, wait for the exit, start again on the same data. */
export const restart = defineFault({
  name: 'restart',
  summary: 'gracefully restart the target nodes one after another',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    const evidence: string[] = [];
    for (const n of nodes) {
      const before = await pidsOf(ctx, [n]);
      await ctx.cluster.stop(n);
      evidence.push(...(await nodesAre(ctx, [n], 'gone')));
      await ctx.cluster.start(n);
      evidence.push(...(await nodesRestarted(ctx, before)));
    }
    return { evidence };
  },
});
