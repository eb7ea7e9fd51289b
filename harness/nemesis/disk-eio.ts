import { z } from 'zod';
import type { FailedCalls } from '../runtime/cluster.js';
import { pollUntil } from '../wait.js';
import { FaultNotProven, nodesRestarted, pidsOf } from './evidence.js';
import { defineFault } from './fault.js';

const CALLS = ['read', 'write', 'fsync', 'open'] as const;

const describeCalls = (failed: FailedCalls) =>
  Object.entries(failed)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([call, n]) => `${n} ${call}`)
    .join(', ') || 'no call';

/**
 * A failing disk under a running node: the unsynced filesystem answers EIO to the calls and files
 * the step names (by default writes and fsyncs of the workload topic's partitions), as a disk does
 * when it starts to fail. Kafka takes the log dir offline at the first IOException, and halts
 * when that was its only one. Proven by the filesystem's count of calls it failed. The heal
 * replaces the disk: no call fails any more, and the node is started again (killed first if it is
 * still running), as an operator would do once the disk is replaced.
 */
export const diskEio = defineFault({
  name: 'disk-eio',
  summary: "fail the target nodes' disk calls with EIO (default: writes and fsyncs of the workload topic); heal stops the failures and restarts the node",
  needs: ['unsynced-disks'],
  params: z
    .object({
      calls: z.array(z.enum(CALLS)).min(1).default(['write', 'fsync']),
      /** A glob on paths in the data dir; default: the workload topic's partition dirs. */
      paths: z.string().optional(),
      /** How long the node has to run into a failed call before the fault counts as not struck. */
      within: z.number().int().positive().default(15_000),
    })
    .strict(),
  async inject(ctx, nodes, params) {
    const disks = ctx.cluster.disks;
    if (!disks) throw new FaultNotProven('the cluster has no unsynced filesystem, so no disk call can be made to fail');
    const rule = { paths: params.paths ?? `${ctx.topic}-*/*`, calls: params.calls };
    for (const n of nodes) await disks.failIo(n, rule);
    const evidence: string[] = [];
    for (const n of nodes) {
      // Proof that it struck: the node ran into the failure (a write of the workload, its fsync).
      let failed: FailedCalls = {};
      await pollUntil(async () => Object.values((failed = await disks.failedCalls(n))).some((c) => (c ?? 0) > 0), {
        timeoutMs: params.within,
        intervalMs: 100,
      });
      if (!Object.values(failed).some((c) => (c ?? 0) > 0)) {
        throw new FaultNotProven(`node ${n} made no ${rule.calls.join('/')} call on ${rule.paths} within ${params.within} ms, so no call failed`);
      }
      evidence.push(`node ${n}: the filesystem failed ${describeCalls(failed)} call(s) on ${rule.paths} with EIO`);
    }
    return {
      evidence,
      heal: async () => {
        const lines: string[] = [];
        for (const n of nodes) {
          const failed = await disks.healIo(n);
          lines.push(`node ${n}: disk replaced after ${describeCalls(failed)} failed call(s)`);
        }
        const before = await pidsOf(ctx, nodes);
        for (const n of nodes) {
          const { state } = await ctx.cluster.observeNode(n);
          if (state !== 'gone') await ctx.cluster.kill(n);
          else lines.push(`node ${n}: its process had ended by itself (pid ${before.get(n) ?? 'none'})`);
          await ctx.cluster.start(n);
        }
        return [...lines, ...(await nodesRestarted(ctx, before))];
      },
    };
  },
});
