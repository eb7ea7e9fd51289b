import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { clientProcessIs } from './evidence.js';
import { defineFault } from './fault.js';

/**
 * SIGKILL of a pipeline worker's process, perhaps in the middle of a transaction: the transaction
 * coordinator must abort what it left open. With `restart`, the heal starts a new incarnation
 * with the same transactional.id.
 */
export const killPipeline = defineFault({
  name: 'kill-pipeline',
  summary: 'kill -9 a pipeline worker mid-stream; heal optionally restarts it',
  targetsNodes: false,
  params: z.object({ worker: z.string().regex(/^(worker-\d+|random)$/), restart: z.boolean().default(true) }).strict(),
  check(params, experiment) {
    if (!experiment.pipeline) return 'fault kill-pipeline needs a pipeline section';
    const n = Number(params.worker.split('-')[1]);
    if (params.worker !== 'random' && (n < 1 || n > experiment.pipeline.workers))
      return `worker: expected worker-1 to worker-${experiment.pipeline.workers} or random`;
    return undefined;
  },
  async inject(ctx, _nodes, params) {
    const pipeline = ctx.workloads.pipeline;
    if (!pipeline) throw new HarnessError('kill-pipeline: this experiment has no pipeline');
    const worker = params.worker === 'random' ? ctx.random.pick(pipeline.workerNames) : params.worker;
    const pid = pipeline.current(worker)?.pid;
    await pipeline.kill(worker);
    const evidence = [await clientProcessIs(`pipeline ${worker}`, pid, 'gone')];
    if (!params.restart) return { evidence };
    return {
      evidence,
      heal: async () => {
        await pipeline.restart(worker);
        return [await clientProcessIs(`pipeline ${worker}`, pipeline.current(worker)?.pid, 'running')];
      },
    };
  },
});
