import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import { provisionKafka } from '../provision/kafka.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';
import type { MixKind } from '../nemesis/mix.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import type { RuntimeKind } from '../runtime/start-cluster.js';
import { supervisor } from '../runtime/supervisor.js';
import type { SecuritySettings } from '../security/cluster-security.js';
import { writeSoakReports } from '../soak/soak-report.js';
import { runSoak } from '../soak/soak-run.js';
import { onInterrupt } from './interrupt.js';
import { preflightRuntime } from './runtime-options.js';
import { newRunId } from './run-command.js';

export interface SoakCommandOptions {
  broker: BrokerKind;
  durationMs: number;
  cycleMs: number;
  nodes: number;
  rate: number;
  seed?: number;
  out: string;
  kafkaVersion?: string;
  runtime: RuntimeKind;
  security?: SecuritySettings;
  maxMemoryGrowthMbPerHour: number;
  faults: MixKind[];
}

/** `kafka-chaos soak`: exit 0 when nothing acknowledged was lost and memory stayed flat, 1 when not, 2 on a harness error. */
export async function soakCommand(options: SoakCommandOptions): Promise<number> {
  if (options.nodes < 1) throw new HarnessError('soak: --nodes must be at least 1');
  supervisor();
  await preflightRuntime(options.runtime);
  if (options.runtime === 'process') {
    if (options.broker === 'kafka') await provisionKafka(options.kafkaVersion);
    provisionToxiproxy();
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const runId = newRunId();
  const dir = resolve(options.out, 'soak', runId);
  log.info({ runId, seed, dir, broker: options.broker, durationMs: options.durationMs }, 'soak started');
  let current: Cluster | undefined;
  const unregister = onInterrupt(async () => {
    await current?.close();
  });
  let result;
  try {
    result = await runSoak({
      broker: options.broker,
      nodes: options.nodes,
      durationMs: options.durationMs,
      cycleMs: options.cycleMs,
      seed,
      dir,
      rate: options.rate,
      faults: options.faults,
      runtime: options.runtime,
      ...(options.kafkaVersion !== undefined ? { kafkaVersion: options.kafkaVersion } : {}),
      ...(options.security !== undefined ? { security: options.security } : {}),
      // A JVM's and a Node.js process's heaps grow for minutes after start; only what follows is judged.
      memory: { maxSlopeMbPerHour: options.maxMemoryGrowthMbPerHour, warmupMs: 3 * 60_000, minJudgedMs: 10 * 60_000 },
      onCycle: (partial) => writeSoakReports(dir, partial),
      onCluster: (c) => (current = c),
    });
  } finally {
    unregister();
  }
  writeSoakReports(dir, result);
  const cycles = result.cycles.map(
    (c) =>
      `  cycle ${String(c.cycle).padStart(3)}  ${c.verdict.toUpperCase().padEnd(5)}  acked ${String(c.counts.acknowledged).padStart(7)}  lost ${c.counts.lost}  unknown ${c.counts.indeterminate}  faults ${c.faults.filter((f) => f.fault !== 'mix').length}`,
  );
  process.stdout.write(
    `soak on ${result.broker} ${result.brokerVersion}: ${result.verdict.toUpperCase()}\n${cycles.join('\n')}\n` +
      `memory: ${result.memory.reason}\n${result.reason}\n\nreport: ${join(dir, 'index.html')}\nseed: ${seed}\n`,
  );
  if (result.verdict === 'error') return 2;
  return result.verdict === 'pass' ? 0 : 1;
}
