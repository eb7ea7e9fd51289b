import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { sleep } from '../wait.js';
import { FaultNotProven } from './evidence.js';
import type { FaultContext, NestedStep } from './fault.js';
import { defineFault } from './fault.js';

/** The kinds of fault the random nemesis picks from. */
export const MIX_FAULT_KINDS = ['kill', 'pause', 'stop', 'cut', 'latency', 'reset'] as const;
export type MixKind = (typeof MIX_FAULT_KINDS)[number];

const durationParam = z.union([z.number().nonnegative(), z.string()]).transform((v) => parseDuration(v));

/** One random fault of a kind, with random parameters where the kind has any. */
function randomStep(ctx: FaultContext, kind: MixKind, target: string): NestedStep {
  const base = { target, partition: 0 };
  switch (kind) {
    case 'cut':
      return { ...base, fault: 'cut', params: { listeners: [ctx.random.pick(['client', 'replication', 'controller', 'all'])] } };
    case 'latency':
      return {
        ...base,
        fault: 'toxic',
        params: {
          listeners: ['all'],
          type: 'latency',
          stream: 'downstream',
          toxicity: 1,
          attributes: { latency: 100 + ctx.random.int(900), jitter: ctx.random.int(200) },
        },
      };
    case 'reset':
      return {
        ...base,
        fault: 'toxic',
        params: { listeners: ['client'], type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: ctx.random.int(500) } },
      };
    default:
      return { ...base, fault: kind, params: {} };
  }
}

/**
 * The random nemesis: one fault at a time, chosen with the run's seed from `faults` and aimed at
 * one of `targets`, in force for `faultFor`, then a quiet period until the next one `every`
 * later. Healing the step stops the mix and heals the fault in force.
 */
export const mix = defineFault({
  name: 'mix',
  summary: 'a seeded random sequence of kills, pauses, stops, cuts and toxics, one at a time with quiet periods',
  params: z
    .object({
      faults: z.array(z.enum(MIX_FAULT_KINDS)).min(1).default(['kill', 'pause', 'cut', 'latency']),
      targets: z
        .array(z.enum(['leader', 'follower', 'followers', 'controller', 'random']))
        .min(1)
        .default(['leader', 'follower', 'random']),
      every: durationParam.default(10_000),
      faultFor: durationParam.default(4_000),
    })
    .strict(),
  check(params) {
    return params.faultFor >= params.every ? 'faultFor: expected less than every, to leave a quiet period' : undefined;
  },
  async inject(ctx, _nodes, params) {
    const stop = new AbortController();
    let current: (() => Promise<void>) | undefined;
    let injected = 0;
    const loop = (async () => {
      while (!stop.signal.aborted) {
        const step = randomStep(ctx, ctx.random.pick(params.faults), ctx.random.pick(params.targets));
        current = await ctx.nested!(step);
        injected++;
        await sleep(params.faultFor, stop.signal);
        const heal = current;
        current = undefined;
        await heal?.();
        await sleep(params.every - params.faultFor, stop.signal);
      }
    })();
    return {
      // Each fault it injects is recorded as a step of its own, with its evidence.
      evidence: [`random nemesis started: ${params.faults.join(', ')} on ${params.targets.join(', ')}, one every ${params.every} ms for ${params.faultFor} ms`],
      heal: async () => {
        stop.abort();
        await loop;
        await current?.();
        if (injected === 0) throw new FaultNotProven('the random nemesis injected no fault');
        return [`${injected} faults injected and healed, one at a time`];
      },
    };
  },
});
