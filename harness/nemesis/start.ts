import { z } from 'zod';
import { nodesRestarted, pidsOf } from './evidence.js';
import { defineFault } from './fault.js';

/** Starts nodes that an earlier step stopped or killed, in the middle of a schedule. */
export const start = defineFault({
  name: 'start',
  summary: 'start target nodes that are stopped or killed',
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    const down = nodes.filter((n) => ['stopped', 'killed'].includes(ctx.cluster.node(n).state));
    const before = await pidsOf(ctx, down);
    for (const n of down) await ctx.cluster.start(n);
    const running = nodes.filter((n) => !down.includes(n)).map((n) => `node ${n}: was already running`);
    return { evidence: [...(await nodesRestarted(ctx, before)), ...running] };
  },
});
