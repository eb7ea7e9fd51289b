import { join } from 'node:path';
import { kafkaClient } from '../clients/kafkajs.js';
import type { ProducerSpec } from '../experiment/sections.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Cluster } from '../runtime/cluster.js';
import { producerClientOptions, producerSettings } from './producer-config.js';
import { producerIdentity } from './producer-identity.js';
import { ChildProducer } from './producer-child.js';
import { ProducerWorkload, type ProducerHandle, type ProducerStats } from './producer.js';
import { defineWorkload } from './workload.js';

/** The producers an experiment declares, started, stopped and accounted for together. */
export class Producers {
  readonly byName = new Map<string, ProducerHandle>();

  constructor(specs: ProducerSpec[], cluster: Cluster, recorder: HistoryRecorder, topic: string, partitions: number, dir: string, settleMs: number) {
    specs.forEach((spec, i) => {
      const settings = producerSettings(spec, topic, partitions);
      const client = producerClientOptions(spec);
      const handle =
        spec.process === 'child'
          ? new ChildProducer(
              spec.name,
              dir,
              {
                name: spec.name,
                brokers: cluster.bootstrapServers(),
                ...(cluster.clientSecurity ? { security: cluster.clientSecurity } : {}),
                settings,
                client,
                epochMs: recorder.epochMs,
                settleMs,
              },
              i,
            )
          : new ProducerWorkload(
              spec.name,
              kafkaClient(`kafka-chaos-${spec.name}`, cluster.bootstrapServers(), client, cluster.clientSecurity),
              recorder,
              settings,
              producerIdentity(i, 0),
            );
      this.byName.set(spec.name, handle);
    });
  }

  async start(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.start()));
  }

  async stop(settleMs: number): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.stop(settleMs)));
  }

  /** Stops child processes at once (an aborted run). */
  async kill(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => (p instanceof ChildProducer ? p.kill() : p.stop(0))));
  }

  /** History files written by child processes, besides the run's own. */
  get historyFiles(): string[] {
    return [...this.byName.values()].flatMap((p) => (p instanceof ChildProducer ? p.historyFiles : []));
  }

  get errors(): ProducerStats['errors'] {
    const all: ProducerStats['errors'] = {};
    for (const p of this.byName.values()) {
      for (const [k, v] of Object.entries(p.stats.errors)) all[k] = (all[k] ?? 0) + v;
    }
    return all;
  }
}

export function historyFile(dir: string): string {
  return join(dir, 'history.jsonl');
}

declare module './workload.js' {
  interface WorkloadHandles {
    producers: Producers;
  }
}

/** The experiment's producers: every experiment has at least one, and they start last. */
export const producersKind = defineWorkload({
  name: 'producers',
  startOrder: 2,
  present: () => true,
  create({ experiment, cluster, recorder, dir }) {
    const producers = new Producers(
      experiment.producers,
      cluster,
      recorder,
      experiment.topic.name,
      experiment.topic.partitions,
      dir,
      experiment.workload.settle,
    );
    return {
      handle: producers,
      start: () => producers.start(),
      quiesce: (settleMs) => producers.stop(settleMs),
      stop: () => producers.kill(),
      historyFiles: () => producers.historyFiles,
      journalFiles: () => [],
      sendErrors: () => producers.errors,
    };
  },
});
