import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagedProcess } from '../runtime/supervisor.js';
import { startClientProcess } from './client-process.js';
import type { ChildProducerConfig } from './producer-child-main.js';
import type { ProducerHandle, ProducerStats } from './producer.js';
import { producerIdentity } from './producer-identity.js';

/**
 * A producer workload in a child process. Killing it loses whatever it had not yet sent, which is
 * what `producer-crash-buffered` measures; its history, written as it goes, survives it.
 */
export class ChildProducer implements ProducerHandle {
  private process: ManagedProcess | undefined;
  private incarnation = 0;
  private readonly finished: ProducerStats[] = [];

  constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly base: Omit<ChildProducerConfig, 'historyFile' | 'statsFile' | 'identity'>,
    /** This producer's place among the run's producers: its identity blocks follow from it. */
    private readonly producerIndex: number,
  ) {}

  /** History files of every incarnation, for the checker. */
  get historyFiles(): string[] {
    return Array.from({ length: this.incarnation }, (_, i) => join(this.dir, `history-${this.name}-${i}.jsonl`));
  }

  get stats(): ProducerStats {
    const total: ProducerStats = { invoked: 0, ok: 0, fail: 0, info: 0, errors: {} };
    for (const s of this.finished) {
      total.invoked += s.invoked;
      total.ok += s.ok;
      total.fail += s.fail;
      total.info += s.info;
      for (const [k, v] of Object.entries(s.errors)) total.errors[k] = (total.errors[k] ?? 0) + v;
    }
    return total;
  }

  /** The running (or last) incarnation's process. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  async start(): Promise<void> {
    const i = this.incarnation++;
    const config: ChildProducerConfig = {
      ...this.base,
      // A restarted producer continues with fresh ids and process numbers: both stay unique within the run.
      identity: producerIdentity(this.producerIndex, i),
      historyFile: join(this.dir, `history-${this.name}-${i}.jsonl`),
      statsFile: join(this.dir, `stats-${this.name}-${i}.json`),
    };
    const proc = await startClientProcess(`producer-${this.name}-${i}`, 'producer-child-main.ts', config, join(this.dir, `producer-${this.name}-${i}.log`));
    this.process = proc;
    void proc.exited.then(() => {
      if (existsSync(config.statsFile)) this.finished.push(JSON.parse(readFileSync(config.statsFile, 'utf8')) as ProducerStats);
    });
  }

  /** SIGKILL: outstanding sends die with the process. */
  async kill(): Promise<void> {
    const proc = this.process;
    if (!proc?.running) return;
    proc.kill();
    await proc.exited;
  }

  async stop(settleMs: number): Promise<void> {
    const proc = this.process;
    if (!proc?.running) return;
    proc.signal('SIGTERM');
    const timer = setTimeout(() => proc.kill(), settleMs + 10_000);
    await proc.exited;
    clearTimeout(timer);
    await new Promise((r) => setImmediate(r));
  }
}
