import { z } from 'zod';
import { HarnessError } from '../errors.js';
import type { NetworkPartitions } from '../runtime/cluster.js';
import { defineFault, type FaultContext } from './fault.js';

function partitionsOf(ctx: FaultContext): NetworkPartitions {
  if (!ctx.cluster.partitions) {
    throw new HarnessError(
      `fault "disconnect" needs --runtime docker: the ${ctx.cluster.runtime} runtime cannot take a node off the network (use "cut" to disable its proxies instead)`,
    );
  }
  return ctx.cluster.partitions;
}

/**
 * A real partition: the target nodes' containers are disconnected from the network, so every
 * connection to and from them stops, proxied or not (the harness's own listener too), while the
 * nodes keep running. Healed by reconnecting them at the same addresses.
 */
export const disconnect = defineFault({
  name: 'disconnect',
  summary: 'disconnect the target nodes from the network (needs --runtime docker); heal reconnects them',
  needs: ['network-partitions'],
  params: z.object({}).strict(),
  async inject(ctx, nodes) {
    const partitions = partitionsOf(ctx);
    for (const n of nodes) await partitions.disconnect(n);
    return {
      evidence: await partitions.proveDisconnected(nodes),
      heal: async () => {
        for (const n of nodes) if (partitions.isDisconnected(n)) await partitions.reconnect(n);
        return [`node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')} reconnected`];
      },
    };
  },
});
