import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { log } from '../log.js';
import { clientProcessIs } from './evidence.js';
import { defineFault } from './fault.js';

/**
 * SIGKILL of one consumer-group member's process, mid-stream: what it was processing, and any
 * commit it was about to make, die with it. With `restart`, the heal starts it again.
 */
export const killConsumer = defineFault({
  name: 'kill-consumer',
  summary: 'kill -9 a consumer group member; heal optionally restarts it',
  targetsNodes: false,
  params: z
    .object({
      member: z.string().regex(/^(member-\d+|random)$/),
      restart: z.boolean().default(true),
      // 'processing': wait until the member is in the middle of a message, so that the kill tests
      // the commit policy every time rather than when it happens to land there.
      during: z.enum(['any', 'processing']).default('any'),
      within: z
        .union([z.number().nonnegative(), z.string()])
        .transform((v) => parseDuration(v))
        .default(10_000),
    })
    .strict(),
  check(params, experiment) {
    if (!experiment.consumers) return 'fault kill-consumer needs a consumers section';
    const n = Number(params.member.split('-')[1]);
    if (params.member !== 'random' && (n < 1 || n > experiment.consumers.members)) {
      return `member: expected member-1 to member-${experiment.consumers.members} or random`;
    }
    return undefined;
  },
  async inject(ctx, _nodes, params) {
    const group = ctx.workloads.consumers;
    if (!group) throw new HarnessError('kill-consumer: this experiment has no consumer group');
    const running = group.memberNames.filter((m) => group.running(m));
    const member = params.member === 'random' ? ctx.random.pick(running) : params.member;
    const pid = group.pidOf(member);
    const evidence: string[] = [];
    if (params.during === 'processing') {
      const midMessage = await group.killWhileProcessing(member, params.within);
      if (!midMessage) log.warn({ member, withinMs: params.within }, 'kill-consumer: the member processed nothing in time; killed it anyway');
      evidence.push(midMessage ? `${member} was in the middle of a message` : `${member} processed nothing within ${params.within} ms: killed anyway`);
    } else await group.kill(member);
    evidence.unshift(await clientProcessIs(`consumer ${member}`, pid, 'gone'));
    if (!params.restart) return { evidence };
    return {
      evidence,
      heal: async () => {
        await group.restart(member);
        return [await clientProcessIs(`consumer ${member}`, group.pidOf(member), 'running')];
      },
    };
  },
});
