import { z } from 'zod';
import { FaultNotProven, nodesAre, nodesRestarted, pidsOf } from './evidence.js';
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
    const evidence: string[] = [];
    for (const n of nodes) {
      const before = await pidsOf(ctx, [n]);
      const entriesBefore = ctx.cluster.dataDirEntries(n).length;
      if (ctx.cluster.node(n).state === 'running' || ctx.cluster.node(n).state === 'paused') await ctx.cluster.kill(n);
      evidence.push(...(await nodesAre(ctx, [n], 'gone')));
      await ctx.cluster.wipe(n);
      // What formatting puts back (meta.properties, the metadata log's bootstrap) is expected; the workload's partitions are not.
      const left = ctx.cluster.dataDirEntries(n).filter((e) => e.startsWith(`${ctx.topic}-`));
      if (left.length > 0) throw new FaultNotProven(`node ${n}'s data dir still holds ${left.join(', ')} after the wipe`);
      evidence.push(`node ${n}: data dir erased (${entriesBefore} entries before, no partition of ${ctx.topic} left)`);
      await ctx.cluster.start(n);
      evidence.push(...(await nodesRestarted(ctx, before)));
    }
    return { evidence };
  },
});
