import { join } from 'node:path';
import { kafkaClient } from '../clients/kafkajs.js';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import type { ManagedProcess } from '../runtime/supervisor.js';
import type { ClientSecurity } from '../security/cluster-security.js';
import { startClientProcess } from './client-process.js';
import type { PipelineWorkerConfig } from './pipeline-child-main.js';
import { TransactionChecker } from '../checker/transaction-checker.js';
import type { ExperimentParts } from '../experiment/sections.js';
import { defineWorkload } from './workload.js';
import { pollUntil } from '../wait.js';
import { committedUpTo } from './consumer-group.js';

/** How long the group must go without a join before the pipeline counts as started. */
const GROUP_SETTLE_MS = 1500;

export interface PipelineSettings {
  workers: number;
  batch: number;
  abortEvery: number;
  partitioning: 'same-as-input' | 'kafkajs-default';
  sessionTimeoutMs: number;
  transactionTimeoutMs: number;
}

class Worker {
  /** Every incarnation still running: a replacement may run beside a frozen zombie. */
  readonly running: ManagedProcess[] = [];
  incarnation = 0;
  constructor(
    readonly name: string,
    readonly transactionalId: string,
  ) {}
}

/**
 * An exactly-once pipeline: workers in processes of their own, each a kafkajs consumer of the
 * input topic and a transactional producer (its own transactional.id) to the output topic.
 */
export class PipelineWorkload {
  private readonly workers: Worker[];
  private readonly histories: string[] = [];
  private onJoin: ((worker: string) => void) | undefined;

  constructor(
    private readonly settings: PipelineSettings,
    private readonly brokers: string[],
    readonly groupId: string,
    readonly inputTopic: string,
    readonly outputTopic: string,
    private readonly dir: string,
    private readonly epochMs: number,
    private readonly security?: ClientSecurity,
  ) {
    this.workers = Array.from({ length: settings.workers }, (_, i) => new Worker(`worker-${i + 1}`, `${groupId}-tx-${i + 1}`));
  }

  get workerNames(): string[] {
    return this.workers.map((w) => w.name);
  }

  /** The transactional.id of a worker slot (for the transaction coordinator target). */
  transactionalId(index = 0): string {
    return this.workers[index]!.transactionalId;
  }

  get historyFiles(): string[] {
    return [...this.histories];
  }

  private worker(name: string): Worker {
    const w = this.workers.find((x) => x.name === name);
    if (!w) throw new HarnessError(`no pipeline worker "${name}" (workers: ${this.workerNames.join(', ')})`);
    return w;
  }

  /**
   * Starts every worker and waits for a settled group: each member joined, then no join for a
   * while. Input written during the first rebalances would be read by one member and then, after
   * the next join, again by another that fetched the offsets before the first one's transaction
   * markers were written (kafkajs reads offsets without KIP-447's require_stable): duplicates that
   * belong to start-up, not to the fault under test.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    let lastJoin = 0;
    const joined = new Set<string>();
    this.onJoin = (worker) => {
      joined.add(worker);
      lastJoin = Date.now();
    };
    try {
      await Promise.all(this.workers.map((w) => this.startIncarnation(w)));
      const settled = await pollUntil(() => joined.size >= this.workers.length && Date.now() - lastJoin >= GROUP_SETTLE_MS, { timeoutMs });
      if (!settled) log.warn({ joined: [...joined], workers: this.workerNames }, 'the pipeline group did not settle in time; starting anyway');
    } finally {
      this.onJoin = undefined;
    }
  }

  /** Starts another process for a worker slot, with the same transactional.id. */
  async startIncarnation(w: Worker | string): Promise<void> {
    const worker = typeof w === 'string' ? this.worker(w) : w;
    const i = worker.incarnation++;
    const historyFile = join(this.dir, `history-pipeline-${worker.name}-${i}.jsonl`);
    this.histories.push(historyFile);
    const config: PipelineWorkerConfig = {
      process: `${worker.name}#${i}`,
      brokers: this.brokers,
      groupId: this.groupId,
      inputTopic: this.inputTopic,
      outputTopic: this.outputTopic,
      transactionalId: worker.transactionalId,
      batch: this.settings.batch,
      abortEvery: this.settings.abortEvery,
      partitioning: this.settings.partitioning,
      historyFile,
      epochMs: this.epochMs,
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      transactionTimeoutMs: this.settings.transactionTimeoutMs,
      ...(this.security ? { security: this.security } : {}),
    };
    const proc = await startClientProcess(
      `pipeline-${worker.name}-${i}`,
      'pipeline-child-main.ts',
      config,
      join(this.dir, `pipeline-${worker.name}-${i}.log`),
      (line) => {
        if (line === 'joined') this.onJoin?.(worker.name);
      },
    );
    worker.running.push(proc);
    void proc.exited.then(() => worker.running.splice(worker.running.indexOf(proc), 1));
  }

  /** The newest running process of a worker slot. */
  current(name: string): ManagedProcess | undefined {
    return this.worker(name).running.at(-1);
  }

  async kill(name: string): Promise<void> {
    for (const p of [...this.worker(name).running]) {
      p.kill();
      await p.exited;
    }
  }

  /** Restarts a worker slot that has no running process. */
  async restart(name: string): Promise<void> {
    if (this.worker(name).running.length === 0) await this.startIncarnation(name);
  }

  async committedOffsets(): Promise<Map<number, number>> {
    const admin = kafkaClient('kafka-chaos-pipeline-check', this.brokers, {}, this.security).admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.inputTopic] });
      return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the pipeline has committed every input up to `endOffsets`, then stops it. */
  async finish(endOffsets: Map<number, number>, timeoutMs: number): Promise<boolean> {
    for (const w of this.workers) if (w.running.length === 0) await this.startIncarnation(w);
    const caughtUp = await pollUntil(async () => committedUpTo(await this.committedOffsets(), endOffsets), { timeoutMs, intervalMs: 500, onError: () => {} });
    await this.stop();
    log.info({ caughtUp }, 'pipeline finished');
    return caughtUp;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.flatMap((w) => w.running.map((p) => p.stop(15_000))));
  }
}

declare module './workload.js' {
  interface WorkloadHandles {
    pipeline: PipelineWorkload;
  }
}

/** The topic a pipeline writes to. */
export function outputTopicOf(experiment: ExperimentParts): string {
  return `${experiment.topic.name}-out`;
}

const CATCH_UP_MS = 120_000;

/**
 * The experiment's exactly-once pipeline (`pipeline:`): its workers consume the topic and write
 * `<topic>-out` in transactions; judged on what read_committed and read_uncommitted readers of the
 * output see.
 */
export const pipelineKind = defineWorkload({
  name: 'pipeline',
  startOrder: 1,
  present: (experiment) => experiment.pipeline !== undefined,
  topics: (experiment) => [outputTopicOf(experiment)],
  create({ experiment, cluster, recorder, dir }) {
    const pipeline = new PipelineWorkload(
      experiment.pipeline!,
      cluster.bootstrapServers(),
      `kafka-chaos-${experiment.name}-pipeline`,
      experiment.topic.name,
      outputTopicOf(experiment),
      dir,
      recorder.epochMs,
      cluster.clientSecurity,
    );
    return {
      handle: pipeline,
      start: () => pipeline.start(),
      async finish({ endOffsets, result, drain }) {
        const caughtUp = await pipeline.finish(new Map(endOffsets), CATCH_UP_MS);
        result.committedOffsets.pipeline = Object.fromEntries(await pipeline.committedOffsets());
        if (!caughtUp)
          throw new Error(
            `the pipeline did not commit up to the end of its input within ${CATCH_UP_MS / 1000} s (committed ${JSON.stringify(result.committedOffsets.pipeline)} of ${JSON.stringify(Object.fromEntries(endOffsets))})`,
          );
        for (const isolation of ['committed', 'uncommitted'] as const) {
          const read = await drain(pipeline.outputTopic, { isolation, output: true });
          if (!read.complete)
            throw new Error(
              `the read_${isolation} read of ${pipeline.outputTopic} stopped at ${JSON.stringify(read.readUpTo)} of ${JSON.stringify(read.endOffsets)}${read.problem ? ` (${read.problem})` : ''}`,
            );
        }
      },
      stop: () => pipeline.stop(),
      historyFiles: () => pipeline.historyFiles,
      journalFiles: () => [],
    };
  },
  checker(experiment) {
    const checker = new TransactionChecker(outputTopicOf(experiment));
    return {
      add: (op) => checker.add(op),
      judge(result) {
        result.transactions = checker.result(new Map(Object.entries(result.committedOffsets.pipeline ?? {}).map(([p, o]) => [Number(p), o])));
      },
    };
  },
});
