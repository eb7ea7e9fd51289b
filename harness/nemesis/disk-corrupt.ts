import { closeSync, fsyncSync, openSync, readSync, readdirSync, statSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FaultNotProven, nodesAre, nodesRestarted, pidsOf } from './evidence.js';
import { defineFault } from './fault.js';
import type { FaultContext } from './fault.js';
import { pollUntil } from '../wait.js';

/** The partition's segment with the highest base offset that holds data: the one written last. */
function lastSegment(partitionDir: string): string | undefined {
  const segments = readdirSync(partitionDir)
    .filter((name) => /^\d{20}\.log$/.test(name) && statSync(join(partitionDir, name)).size > 0)
    .sort();
  return segments.at(-1);
}

const bytes = (n: number) => n.toLocaleString('en-US');
const REJOIN_TIMEOUT_MS = 30_000;
/** A run of padding this long can only be inside a workload message's value (encodeMessage pads with '.'). */
const PADDING_RUN = 16;

/** The middle of the first run of PADDING_RUN padding bytes at or after `from`, within 1 MiB. */
function paddingAtOrAfter(fd: number, from: number, size: number): number | undefined {
  const buf = Buffer.alloc(Math.min(1 << 20, size - from));
  const read = readSync(fd, buf, 0, buf.length, from);
  let run = 0;
  for (let i = 0; i < read; i++) {
    run = buf[i] === 0x2e ? run + 1 : 0;
    if (run === PADDING_RUN) return from + i - PADDING_RUN / 2;
  }
  return undefined;
}

/** Every node is in the ISR of the workload partition again, and how long it took. */
async function nodesInIsr(ctx: FaultContext, nodes: readonly number[]): Promise<string[]> {
  const started = Date.now();
  let isr: number[] = [];
  const back = await pollUntil(
    async () => {
      isr = (await ctx.observer.partition(ctx.topic, 0)).isr;
      return nodes.every((n) => isr.includes(n));
    },
    // A node just started may not answer metadata yet: ask again.
    { timeoutMs: REJOIN_TIMEOUT_MS, intervalMs: 250, onError: () => {} },
  );
  if (!back)
    throw new FaultNotProven(`nodes ${nodes.join(', ')} not back in the ISR of ${ctx.topic}-0 within ${REJOIN_TIMEOUT_MS / 1000} s (ISR ${isr.join(', ')})`);
  return [`nodes ${nodes.join(', ')} back in the ISR of ${ctx.topic}-0 after ${((Date.now() - started) / 1000).toFixed(1)} s (ISR ${isr.join(', ')})`];
}

/**
 * Data at rest goes bad: the node is shut down (cleanly by default, so that no recovery runs at
 * its next start), one bit of its last segment of the workload partition is flipped, or 5 to 10 %
 * of the segment's tail is cut off, and the node starts again on it. Where the bit lands is drawn from
 * the run's seed, in the middle half of the segment (records, not the first batch's header).
 * Whether the broker notices (Kafka checks CRCs only in recovery after an unclean shutdown) is
 * what the experiment measures.
 */
export const diskCorrupt = defineFault({
  name: 'disk-corrupt',
  summary: 'shut the target nodes down, flip a bit in (or cut the tail off) their last segment of the workload partition, start them again',
  params: z
    .object({
      change: z.enum(['bitflip', 'truncate-tail']).default('bitflip'),
      /**
       * bitflip: `anywhere` in the middle half of the segment, or in a `value`: the first byte of a
       * workload message's padding at or after that place, so that a consumer can see the change
       * (a flip in a batch header breaks the decoding instead, which says less).
       */
      in: z.enum(['anywhere', 'value']).default('anywhere'),
      /** `stop`: a clean shutdown (no recovery at the next start); `kill`: SIGKILL (recovery runs). */
      shutdown: z.enum(['stop', 'kill']).default('stop'),
      /**
       * Wait until the damaged nodes are back in the partition's ISR: a later step that needs one
       * of them to lead (a leader kill elects the first replica of the ISR) then rests on it.
       */
      rejoin: z.boolean().default(false),
    })
    .strict(),
  async inject(ctx, nodes, params) {
    const before = await pidsOf(ctx, nodes);
    for (const n of nodes) {
      if (params.shutdown === 'stop') await ctx.cluster.stop(n);
      else await ctx.cluster.kill(n);
    }
    const evidence = await nodesAre(ctx, nodes, 'gone');
    for (const n of nodes) {
      const partitionDir = join(ctx.cluster.dataDir(n), `${ctx.topic}-0`);
      let segment: string | undefined;
      try {
        segment = lastSegment(partitionDir);
      } catch {
        segment = undefined;
      }
      if (segment === undefined) throw new FaultNotProven(`node ${n} holds no segment with data in ${partitionDir}`);
      const file = join(partitionDir, segment);
      const size = statSync(file).size;
      const fd = openSync(file, 'r+');
      try {
        if (params.change === 'bitflip') {
          const drawn = Math.floor(size / 4) + ctx.random.int(Math.max(1, Math.floor(size / 2)));
          const at = params.in === 'value' ? paddingAtOrAfter(fd, drawn, size) : drawn;
          if (at === undefined) throw new FaultNotProven(`node ${n}: no message padding in ${ctx.topic}-0/${segment} after byte ${bytes(drawn)}`);
          const bit = ctx.random.int(8);
          const byte = Buffer.alloc(1);
          readSync(fd, byte, 0, 1, at);
          const was = byte[0]!;
          byte[0] = was ^ (1 << bit);
          writeSync(fd, byte, 0, 1, at);
          evidence.push(
            `node ${n}: bit ${bit} of byte ${bytes(at)} of ${ctx.topic}-0/${segment} (${bytes(size)} bytes) flipped, 0x${was.toString(16).padStart(2, '0')} to 0x${byte[0]!.toString(16).padStart(2, '0')}`,
          );
        } else {
          // Between 5 % and 10 % of the segment: past the last offset index entry (one every
          // log.index.interval.bytes, 4 KiB by default), so the index points beyond the new end.
          const cut = Math.floor(size / 20) + 1 + ctx.random.int(Math.max(1, Math.floor(size / 20)));
          ftruncateSync(fd, size - cut);
          evidence.push(`node ${n}: the last ${bytes(cut)} bytes of ${ctx.topic}-0/${segment} (${bytes(size)} bytes) cut off`);
        }
        // On the disk, whatever the filesystem under it: this is data at rest.
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    for (const n of nodes) await ctx.cluster.start(n);
    evidence.push(...(await nodesRestarted(ctx, before)));
    if (params.rejoin) evidence.push(...(await nodesInIsr(ctx, nodes)));
    return { evidence };
  },
});
