import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { ChildProducer } from '../workload/producer-child.js';
import { clientProcessIs } from './evidence.js';
import { defineFault } from './fault.js';

/**
 * SIGKILL of a producer's process (one declared with `process: child`): every send it had not
 * yet had acknowledged dies with it. With `restart`, the heal starts a new producer process.
 */
export const killProducer = defineFault({
  name: 'kill-producer',
  summary: 'kill -9 a producer process with its outstanding sends; heal optionally starts a new one',
  targetsNodes: false,
  params: z.object({ producer: z.string(), restart: z.boolean().default(false) }).strict(),
  check(params, experiment) {
    const spec = experiment.producers.find((p) => p.name === params.producer);
    if (!spec) return `producer: expected one of ${experiment.producers.map((p) => p.name).join(', ')}, found "${params.producer}"`;
    if (spec.process !== 'child') return `producer: "${params.producer}" must be declared with process: child to be killed`;
    return undefined;
  },
  async inject(ctx, _nodes, params) {
    const producer = ctx.workloads.producers?.byName.get(params.producer);
    if (!(producer instanceof ChildProducer)) {
      throw new HarnessError(`kill-producer: "${params.producer}" is not a producer with process: child`);
    }
    const pid = producer.pid;
    await producer.kill();
    const evidence = [await clientProcessIs(`producer ${params.producer}`, pid, 'gone')];
    if (!params.restart) return { evidence };
    return {
      evidence,
      heal: async () => {
        if (!producer.running) await producer.start();
        return [await clientProcessIs(`producer ${params.producer}`, producer.pid, 'running')];
      },
    };
  },
});
