import { z } from 'zod';
import { ongoingMove, reassignPartition } from '../clients/reassignments.js';
import { HarnessError } from '../errors.js';
import { sleep } from '../wait.js';
import { FaultNotProven } from './evidence.js';
import { defineFault } from './fault.js';

const COMPLETION_TIMEOUT_MS = 60_000;

/**
 * Moves the step's partition off the target nodes (KIP-455): each target replica is replaced by a
 * node outside the partition's replicas, in id order, in its position. The new replicas copy the
 * log from the leader while the workload runs; the move completes when they are all in the ISR.
 * Evidence: the broker accepted the move, and listed it in progress (or, without `inProgress`,
 * had already completed it). Heal waits for the move to complete and shows the new replicas.
 */
export const reassign = defineFault({
  name: 'reassign',
  summary: "move the step's partition off the target nodes to nodes outside its replicas; heal waits until the move completed",
  params: z
    .object({
      /** The move must still be in progress once accepted (no replica caught up yet): otherwise the step did not strike. */
      inProgress: z.boolean().default(false),
    })
    .strict(),
  async inject(ctx, nodes, { inProgress }, partition) {
    const before = await ctx.observer.partition(ctx.topic, partition);
    const stray = nodes.filter((n) => !before.replicas.includes(n));
    if (stray.length > 0)
      throw new HarnessError(`reassign: node(s) ${stray.join(', ')} hold no replica of ${ctx.topic}-${partition} (${before.replicas.join(', ')})`);
    const spare = ctx.cluster
      .nodeIds()
      .filter((id) => !before.replicas.includes(id))
      .sort((a, b) => a - b);
    if (spare.length < nodes.length) {
      throw new HarnessError(
        `reassign: moving ${nodes.length} replica(s) of ${ctx.topic}-${partition} needs as many nodes outside its replicas; the cluster has ${spare.length}`,
      );
    }
    const target = before.replicas.map((r) => (nodes.includes(r) ? spare.shift()! : r));
    await reassignPartition(ctx.cluster, ctx.topic, partition, target);
    const move = await ongoingMove(ctx.cluster, ctx.topic, partition);
    if (move === undefined && inProgress) throw new FaultNotProven(`the move of ${ctx.topic}-${partition} to [${target.join(', ')}] completed at once`);
    const evidence = [
      `the controller accepted moving ${ctx.topic}-${partition} from [${before.replicas.join(', ')}] to [${target.join(', ')}]`,
      move === undefined
        ? 'ListPartitionReassignments lists no move: it completed at once'
        : `ListPartitionReassignments: replicas [${move.replicas.join(', ')}], adding [${move.addingReplicas.join(', ')}], removing [${move.removingReplicas.join(', ')}]`,
    ];
    return {
      evidence,
      heal: async () => {
        const deadline = Date.now() + COMPLETION_TIMEOUT_MS;
        for (;;) {
          const [still, now] = [await ongoingMove(ctx.cluster, ctx.topic, partition), await ctx.observer.partition(ctx.topic, partition)];
          const done = still === undefined && now.replicas.length === target.length && target.every((id, i) => now.replicas[i] === id);
          if (done) return [`the move completed: ${ctx.topic}-${partition} on [${now.replicas.join(', ')}], ISR [${now.isr.join(', ')}], leader ${now.leader}`];
          if (Date.now() > deadline) {
            throw new FaultNotProven(
              `the move of ${ctx.topic}-${partition} to [${target.join(', ')}] did not complete in ${COMPLETION_TIMEOUT_MS / 1000} s: ${still === undefined ? `replicas [${now.replicas.join(', ')}]` : `still adding [${still.addingReplicas.join(', ')}]`}`,
            );
          }
          await sleep(250);
        }
      },
    };
  },
});
