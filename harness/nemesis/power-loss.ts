import { relative } from 'node:path';
import { z } from 'zod';
import type { PowerCut } from '../runtime/cluster.js';
import { FaultNotProven, nodesAre, restartDown } from './evidence.js';
import { defineFault } from './fault.js';
import { recordsDroppedBy } from './power-cut-records.js';

const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/** One evidence line: what the unsynced filesystem discarded on the node. */
function describeCut(cut: PowerCut, logDir: string): string {
  const tails = cut.files.filter((f) => f.droppedTail > 0);
  const droppedBytes = tails.reduce((sum, f) => sum + f.droppedTail, 0) + cut.entries.reduce((sum, e) => sum + e.bytes, 0);
  const restored = cut.files.reduce((sum, f) => sum + f.restored, 0);
  // Segments first: index files are preallocated (Kafka sets their length to 10 MiB), so their
  // dropped size says little about the data.
  const isSegment = (path: string) => path.endsWith('.log');
  const segmentBytes =
    tails.filter((f) => isSegment(f.path)).reduce((sum, f) => sum + f.droppedTail, 0) +
    cut.entries.filter((e) => isSegment(e.path)).reduce((sum, e) => sum + e.bytes, 0);
  const largest = [...tails].sort((a, b) => Number(isSegment(b.path)) - Number(isSegment(a.path)) || b.droppedTail - a.droppedTail).slice(0, 3);
  return (
    `node ${cut.node}: power cut by the unsynced filesystem: ${bytes(droppedBytes)} not fsynced dropped, ${bytes(segmentBytes)} of them in segment (.log) files` +
    (largest.length
      ? ` (${largest.map((f) => `${f.path} ${bytes(f.droppedTail)}`).join(', ')}${tails.length > 3 ? `, ${tails.length - 3} more files` : ''})`
      : '') +
    `, ${bytes(restored)} of overwritten synced data put back, ${cut.entries.length} names not fsynced into their directory removed` +
    (cut.entries.length
      ? ` (${cut.entries
          .slice(0, 3)
          .map((e) => e.path)
          .join(', ')}${cut.entries.length > 3 ? ', …' : ''})`
      : '') +
    `, ${cut.syncsSeen} fsyncs seen before it; report ${relative(logDir, cut.reportFile)}`
  );
}

/**
 * A power cut: the nodes die at once (SIGKILL) and lose what they had not fsynced, as the page
 * cache is lost when the power goes; heal starts them on what their disks kept. Needs the cluster's
 * data dirs on the unsynced filesystem, the same mechanism for Kafka and broker-ts.
 */
export const powerLoss = defineFault({
  name: 'power-loss',
  summary: 'kill -9 the target nodes and discard every byte and name they had not fsynced; heal starts them on what remains',
  needs: ['unsynced-disks'],
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    const disks = ctx.cluster.disks;
    if (!disks) throw new FaultNotProven('the cluster has no unsynced filesystem, so a power cut cannot drop what was not fsynced');
    // Every target dies before any disk is cut: one power failure, not a sequence of them.
    for (const n of nodes) {
      const { state } = ctx.cluster.node(n);
      if (state === 'running' || state === 'paused') await ctx.cluster.kill(n);
    }
    const evidence = await nodesAre(ctx, nodes, 'gone');
    const droppedRecords = [];
    for (const n of nodes) {
      const cut = await disks.powerCut(n);
      evidence.push(describeCut(cut, ctx.cluster.logDir));
      const dropped = recordsDroppedBy(cut, ctx.topic);
      droppedRecords.push(...dropped);
      for (const d of dropped) {
        evidence.push(`node ${n}: partition ${d.partition} lost offsets ${d.offsets[0]}-${d.offsets[1]} from its disk (${d.ids.length} workload messages)`);
      }
    }
    return {
      evidence,
      droppedRecords,
      heal: () => restartDown(ctx, nodes, 'killed'),
    };
  },
});
