import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { listExperiments } from '../experiment/load.js';
import { runExperiment } from '../experiment/runner.js';
import type { Experiment } from '../experiment/schema.js';
import { compareWithBaseline, loadBaseline, outcomeOf, writeBaseline, type Cell, type Comparison } from '../nightly/baseline.js';
import { Progress } from '../nightly/progress.js';
import { provisionKafka } from '../provision/kafka.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';
import { esc } from '../report/html.js';
import type { RunResult } from '../report/result.js';
import { writeRunSummary } from '../report/write-reports.js';
import type { BrokerKind, Cluster } from '../runtime/cluster.js';
import type { RuntimeKind } from '../runtime/start-cluster.js';
import { PLAINTEXT, type SecuritySettings } from '../security/cluster-security.js';
import { securityLabel } from '../experiment/runner.js';
import { runPool } from '../nightly/job-pool.js';
import { onInterrupt } from './interrupt.js';
import { preflightRuntime } from './runtime-options.js';
import { runCanaryQuietly, type CanaryReport } from '../canary/canary.js';

export interface NightlyOptions {
  quick: boolean;
  brokers: BrokerKind[];
  /** Kafka release lines to cover, e.g. ["3.9", "4"]. */
  kafkaVersions: string[];
  repeat: number;
  out: string;
  baseline: string;
  updateBaseline: boolean;
  seed?: number;
  runtime: RuntimeKind;
  /** Only these experiments (default: the whole catalogue, or the quick subset). */
  experiments?: string[];
  /** How many runs at once, each with its own cluster. */
  parallel: number;
  /** TLS and SASL on every listener of every run; plaintext when absent. */
  security?: SecuritySettings;
  /**
   * Also run the canary (Kafka lines only): the wire comparison and the quick catalogue on the
   * newest published Kafka release when it is not the tested one. It never changes the exit code.
   */
  canary: boolean;
}

/** One run of the matrix. */
interface Job {
  exp: Experiment;
  line: Line;
  rep: number;
}

/** A broker line of the matrix: one Kafka release line, or broker-ts. */
interface Line {
  id: string;
  broker: BrokerKind;
  kafkaVersion?: string;
}

/**
 * Two runs at a time where there are two cores: an experiment's cluster mostly waits on its
 * producers' paced load and its fault schedule, so two fit on two cores, and the whole matrix
 * then fits a night's CI slot (README, Nightly). More would share the cores during starts. With
 * containers, one at a time unless asked: parallel container clusters have not been measured.
 */
export function defaultNightlyParallelism(runtime: RuntimeKind): number {
  return runtime === 'docker' ? 1 : Math.min(2, availableParallelism());
}

function nightlyDir(out: string): string {
  const date = new Date().toISOString().slice(0, 10);
  let dir = resolve(out, 'nightly', date);
  for (let i = 2; existsSync(dir); i++) dir = resolve(out, 'nightly', `${date}-${i}`);
  return dir;
}

function comparisonHtml(c: Comparison): string {
  const list = (title: string, cells: (Cell & { was?: string })[]) =>
    cells.length
      ? `<p><b>${esc(title)}:</b> ${cells.map((x) => `${esc(x.experiment)} on ${esc(x.line)}${x.was ? ` (was ${esc(x.was)})` : ''}`).join(', ')}</p>`
      : '';
  return (
    list('Regressions against the baseline', c.regressions) + list('Flaky (repeats disagreed)', c.flaky) + list('Fixed since the baseline', c.fixed) ||
    '<p>No change against the baseline.</p>'
  );
}

function canaryHtml(canary: CanaryReport | { error: string } | undefined): string {
  if (canary === undefined) return '';
  if ('error' in canary) return `<p><b>Canary:</b> could not run (${esc(canary.error)}).</p>`;
  if (canary.status === 'no-newer-release') return `<p><b>Canary:</b> no Kafka release newer than the tested ${esc(canary.tested)} is published.</p>`;
  const counts = `${canary.protocolChanges.length} protocol changes, ${canary.kafkaChanges.length} changed answers, ${canary.brokerTsDifferences.length} differences from broker-ts`;
  return `<p><b>Canary:</b> Kafka ${esc(canary.candidate)} against the tested ${esc(canary.tested)}: ${esc(canary.status === 'differs' ? counts : 'no difference')} (<a href="canary/canary.md">canary.md</a>; not counted in this night's verdict).</p>`;
}

/**
 * `kafka-chaos nightly`: the catalogue on every broker line, compared with a committed baseline.
 * Exits 1 on a regression (something that passed in the baseline fails now), 2 on a harness error.
 */
export async function nightlyCommand(options: NightlyOptions): Promise<number> {
  let experiments: Experiment[] = listExperiments();
  if (options.experiments?.length) experiments = experiments.filter((e) => options.experiments!.includes(e.name));
  else if (options.quick) experiments = experiments.filter((e) => e.tags.includes('quick'));
  if (experiments.length === 0) throw new HarnessError('nightly: no experiment selected');

  if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new HarnessError('nightly: --parallel must be at least 1');
  const started = Date.now();
  const lines: Line[] = [];
  for (const broker of options.brokers) {
    if (broker === 'kafka') for (const v of options.kafkaVersions) lines.push({ id: `kafka-${v}`, broker, kafkaVersion: v });
    else lines.push({ id: broker, broker });
  }
  await preflightRuntime(options.runtime);
  if (options.runtime === 'process') {
    for (const l of lines) if (l.kafkaVersion) await provisionKafka(l.kafkaVersion);
    provisionToxiproxy();
  }

  const dir = nightlyDir(options.out);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  // Broker lines alternate within each experiment so that machine noise falls on all alike; parallel
  // runs take jobs in this order, so they mostly pair different lines of one experiment.
  const jobs: Job[] = [];
  for (const exp of experiments) for (let rep = 1; rep <= options.repeat; rep++) for (const line of lines) jobs.push({ exp, line, rep });
  const progress = new Progress(jobs.length);
  const hrefs = new Map<RunResult, string>();
  const running = new Set<Cluster>();
  const unregister = onInterrupt(async () => {
    await Promise.all([...running].map((c) => c.close()));
  });
  let results: RunResult[];
  try {
    results = await runPool(jobs, options.parallel, async ({ exp, line, rep }) => {
      const runDir = join(dir, line.id, ...(options.repeat > 1 ? [`repeat-${rep}`] : []));
      const label = `${exp.name} on ${line.id}${options.repeat > 1 ? ` (repeat ${rep})` : ''}`;
      progress.begin(label);
      let cluster: Cluster | undefined;
      const r = await runExperiment(exp, line.broker, {
        runId: relative(resolve(options.out), dir),
        runDir,
        seed,
        runtime: options.runtime,
        ...(line.kafkaVersion ? { kafkaVersion: line.kafkaVersion } : {}),
        ...(options.security ? { security: options.security } : {}),
        onCluster: (c) => {
          if (cluster) running.delete(cluster);
          cluster = c;
          if (c) running.add(c);
        },
      });
      progress.end(label, r.verdict, r.timings.totalMs ?? 0);
      hrefs.set(r, `${relative(dir, runDir)}/${exp.name}/${line.broker}/report.html`);
      return r;
    });
  } finally {
    unregister();
  }

  // Cells in the order of the matrix, whichever run finished first.
  const cellRuns = new Map<string, RunResult[]>();
  jobs.forEach(({ exp, line }, i) => {
    const key = `${exp.name}\u0000${line.id}`;
    cellRuns.set(key, [...(cellRuns.get(key) ?? []), results[i]!]);
  });
  const cells: Cell[] = [...cellRuns].map(([key, runs]) => {
    const [experiment, line] = key.split('\u0000') as [string, string];
    return { experiment, line, outcome: outcomeOf(runs.map((r) => r.verdict)) };
  });
  const baselineFile = resolve(options.baseline);
  const baseline = loadBaseline(baselineFile);
  const comparison = compareWithBaseline(cells, baseline);
  const canary =
    options.canary && options.brokers.includes('kafka') && options.runtime === 'process'
      ? await runCanaryQuietly({
          dir: join(dir, 'canary'),
          experiments: listExperiments().filter((e) => e.tags.includes('quick')),
          ...(baseline ? { baseline } : {}),
          seed,
          parallel: options.parallel,
        })
      : undefined;
  const title = `kafka-chaos nightly ${relative(resolve(options.out, 'nightly'), dir)}`;
  writeRunSummary(
    dir,
    title,
    `${options.quick ? 'quick subset' : 'full catalogue'} · seed ${seed} · ${options.runtime} runtime · ${securityLabel(options.security ?? PLAINTEXT)} · repeat ${options.repeat} · ${options.parallel} at a time · lines ${lines.map((l) => l.id).join(', ')} · ${Math.round((Date.now() - started) / 60_000)} min`,
    results,
    (r) => hrefs.get(r)!,
    comparisonHtml(comparison) + canaryHtml(canary),
    {
      seed,
      lines: lines.map((l) => l.id),
      parallel: options.parallel,
      security: securityLabel(options.security ?? PLAINTEXT),
      durationMs: Date.now() - started,
      cells,
      comparison,
      ...(canary ? { canary } : {}),
    },
  );
  if (options.updateBaseline) writeBaseline(baselineFile, cells, `written by kafka-chaos nightly${options.quick ? ' --quick' : ''} (seed ${seed})`, baseline);

  for (const r of comparison.regressions) process.stdout.write(`REGRESSION ${r.experiment} on ${r.line}: ${r.outcome} (baseline: ${r.was})\n`);
  for (const r of comparison.flaky) process.stdout.write(`FLAKY ${r.experiment} on ${r.line}\n`);
  for (const r of comparison.fixed) process.stdout.write(`FIXED ${r.experiment} on ${r.line} (baseline: ${r.was})\n`);
  if (canary && !('error' in canary) && canary.status === 'differs')
    process.stdout.write(`CANARY Kafka ${canary.candidate} differs from the tested ${canary.tested}: ${join(dir, 'canary', 'canary.md')}\n`);
  const counts = cells.reduce<Record<string, number>>((acc, c) => ((acc[c.outcome] = (acc[c.outcome] ?? 0) + 1), acc), {});
  process.stdout.write(
    `${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}\nreport: ${join(dir, 'index.html')}\njunit: ${join(dir, 'junit.xml')}\n`,
  );
  if (cells.some((c) => c.outcome === 'error')) return 2;
  return comparison.regressions.length > 0 ? 1 : 0;
}
