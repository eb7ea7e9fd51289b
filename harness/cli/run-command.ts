import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { findExperiment } from '../experiment/load.js';
import { runExperiment } from '../experiment/runner.js';
import { log } from '../log.js';
import { provisionKafka } from '../provision/kafka.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';
import type { RunResult } from '../report/result.js';
import { writeRunSummary } from '../report/write-reports.js';
import { resultTable } from '../report/table.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import type { RuntimeKind } from '../runtime/start-cluster.js';
import { PLAINTEXT, type SecuritySettings } from '../security/cluster-security.js';
import { securityLabel } from '../experiment/runner.js';
import { supervisor } from '../runtime/supervisor.js';
import { onInterrupt } from './interrupt.js';
import { checkRuntimeCanRun, preflightRuntime } from './runtime-options.js';

export interface RunCommandOptions {
  experiments: string[];
  brokers: BrokerKind[];
  seed?: number;
  out: string;
  kafkaVersion?: string;
  runtime: RuntimeKind;
  security?: SecuritySettings;
}

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** `kafka-chaos run`: exit 0 when every expectation held, 1 when one did not, 2 on a harness error. */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  if (options.experiments.length === 0) throw new HarnessError('run: name at least one experiment (see `kafka-chaos list`)');
  // The supervisor first: everything started from here on, downloads included, is marked as this
  // run's and cleaned up if the harness dies (see runtime/run-state.ts).
  supervisor();
  const experiments = options.experiments.map((e) => findExperiment(e));
  checkRuntimeCanRun(experiments, options.runtime);
  // Missing tools or downloads fail the whole run up front, with one clear message.
  await preflightRuntime(options.runtime);
  if (options.runtime === 'process') {
    if (options.brokers.includes('kafka')) await provisionKafka(options.kafkaVersion);
    provisionToxiproxy();
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const runId = newRunId();
  const runDir = resolve(options.out, runId);
  log.info({ runId, seed, dir: runDir }, 'run started');

  let current: Cluster | undefined;
  const unregister = onInterrupt(async () => {
    await current?.close();
  });
  const results: RunResult[] = [];
  try {
    for (const exp of experiments) {
      for (const broker of options.brokers) {
        log.info({ experiment: exp.name, broker }, 'experiment started');
        const result = await runExperiment(exp, broker, {
          runId,
          runDir,
          seed,
          runtime: options.runtime,
          ...(options.kafkaVersion !== undefined ? { kafkaVersion: options.kafkaVersion } : {}),
          ...(options.security !== undefined ? { security: options.security } : {}),
          onCluster: (c) => (current = c),
        });
        results.push(result);
        log.info({ experiment: exp.name, broker, verdict: result.verdict, counts: result.counts, reason: result.reason }, 'experiment finished');
      }
    }
  } finally {
    unregister();
  }
  const security = securityLabel(options.security ?? PLAINTEXT);
  writeRunSummary(runDir, `kafka-chaos run ${runId}`, `seed ${seed} · ${options.runtime} runtime · ${security} · ${new Date().toISOString()}`, results);
  process.stdout.write(`${resultTable(results)}\n\nreport: ${join(runDir, 'index.html')}\nseed: ${seed}\n`);
  if (results.some((r) => r.verdict === 'error')) return 2;
  if (results.some((r) => r.verdict === 'fail')) return 1;
  return 0;
}
