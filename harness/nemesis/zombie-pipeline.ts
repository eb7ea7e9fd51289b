import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { HarnessError } from '../errors.js';
import { FENCED_EXIT_STATUS } from '../workload/exit-status.js';
import { FaultNotProven, clientProcessIs, clientProcessResumed } from './evidence.js';
import { defineFault } from './fault.js';
import { sleep } from '../wait.js';

const duration = z.union([z.number().nonnegative(), z.string()]).transform((v) => parseDuration(v));

/**
 * The zombie producer: a pipeline worker freezes (SIGSTOP, like a long GC pause), possibly inside
 * a transaction; its group evicts it and a replacement starts with the same transactional.id,
 * which fences it; then the zombie wakes up and carries on as if nothing happened. Nothing it
 * does after the replacement started may commit.
 */
export const zombiePipeline = defineFault({
  name: 'zombie-pipeline',
  summary: 'freeze a pipeline worker, start a replacement with its transactional.id, then thaw the old one',
  targetsNodes: false,
  params: z
    .object({
      worker: z
        .string()
        .regex(/^worker-\d+$/)
        .default('worker-1'),
      frozenFor: duration.default(8000),
    })
    .strict(),
  check(params, experiment) {
    if (!experiment.pipeline) return 'fault zombie-pipeline needs a pipeline section';
    if (params.frozenFor <= experiment.pipeline.sessionTimeoutMs)
      return `frozenFor: expected longer than the pipeline's sessionTimeoutMs (${experiment.pipeline.sessionTimeoutMs}), or the group never evicts it`;
    return undefined;
  },
  async inject(ctx, _nodes, params) {
    const pipeline = ctx.workloads.pipeline;
    if (!pipeline) throw new HarnessError('zombie-pipeline: this experiment has no pipeline');
    const zombie = pipeline.current(params.worker);
    if (!zombie) throw new HarnessError(`zombie-pipeline: ${params.worker} is not running`);
    zombie.signal('SIGSTOP');
    const evidence = [await clientProcessIs(`pipeline ${params.worker} (the zombie)`, zombie.pid, 'paused')];
    // Once the group has given up on the frozen member, its replacement takes over.
    await sleep(Math.floor(params.frozenFor / 2));
    await pipeline.startIncarnation(params.worker);
    const replacement = pipeline.current(params.worker);
    if (replacement === zombie) throw new FaultNotProven(`no replacement of ${params.worker} was started`);
    evidence.push(await clientProcessIs(`pipeline ${params.worker} (the replacement)`, replacement?.pid, 'running'));
    await sleep(Math.ceil(params.frozenFor / 2));
    zombie.signal('SIGCONT');
    // Awake: running, or already exited as a fenced worker does.
    evidence.push(await clientProcessResumed(`pipeline ${params.worker} (the zombie)`, zombie, FENCED_EXIT_STATUS));
    // The zombie had its chance to do harm; it ends with the run like any other worker.
    return { evidence };
  },
});
