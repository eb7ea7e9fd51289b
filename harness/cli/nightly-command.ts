import { existsSync } from 'node:fs';
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
import { onInterrupt } from './interrupt.js';
import { preflightRuntime } from './runtime-options.js';

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
}

/** A broker line of the matrix: one Kafka release line, or broker-ts. */
interface Line {
  id: string;
  broker: BrokerKind;
  kafkaVersion?: string;
}

function nightlyDir(out: string): string {
  const date = new Date().toISOString().slice(0, 10);
  let dir = resolve(out, 'nightly', date);
  for (let i = 2; existsSync(dir); i++) dir = resolve(out, 'nightly', `${date}-${i}`);
  return dir;
}

function comparisonHtml(c: Comparison): string {
  const list = (title: string, cells: (Cell & { was?: string })[]) =>
    cells.length ? `<p><b>${esc(title)}:</b> ${cells.map((x) => `${esc(x.experiment)} on ${esc(x.line)}${x.was ? ` (was ${esc(x.was)})` : ''}`).join(', ')}</p>` : '';
  return (
    list('Regressions against the baseline', c.regressions) +
    list('Flaky (repeats disagreed)', c.flaky) +
    list('Fixed since the baseline', c.fixed) ||
    '<p>No change against the baseline.</p>'
  );
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
  const total = experiments.length * lines.length * options.repeat;
  const progress = new Progress(total);
  const results: RunResult[] = [];
  const hrefs = new Map<RunResult, string>();
  const cellRuns = new Map<string, RunResult[]>();
  let current: Cluster | undefined;
  const unregister = onInterrupt(async () => {
    await current?.close();
  });
  try {
    // Broker lines alternate within each experiment so that machine noise falls on all alike.
    for (const exp of experiments) {
      for (let rep = 1; rep <= options.repeat; rep++) {
        for (const line of lines) {
          const runDir = join(dir, line.id, ...(options.repeat > 1 ? [`repeat-${rep}`] : []));
          const label = `${exp.name} on ${line.id}${options.repeat > 1 ? ` (repeat ${rep})` : ''}`;
          progress.begin(label);
          const r = await runExperiment(exp, line.broker, {
            runId: relative(resolve(options.out), dir),
            runDir,
            seed,
            runtime: options.runtime,
            ...(line.kafkaVersion ? { kafkaVersion: line.kafkaVersion } : {}),
            onCluster: (c) => (current = c),
          });
          progress.end(label, r.verdict, r.timings.totalMs ?? 0);
          results.push(r);
          hrefs.set(r, `${relative(dir, runDir)}/${exp.name}/${line.broker}/report.html`);
          const key = `${exp.name}\u0000${line.id}`;
          cellRuns.set(key, [...(cellRuns.get(key) ?? []), r]);
        }
      }
    }
  } finally {
    unregister();
  }

  const cells: Cell[] = [...cellRuns].map(([key, runs]) => {
    const [experiment, line] = key.split('\u0000') as [string, string];
    return { experiment, line, outcome: outcomeOf(runs.map((r) => r.verdict)) };
  });
  const baselineFile = resolve(options.baseline);
  const comparison = compareWithBaseline(cells, loadBaseline(baselineFile));
  const title = `kafka-chaos nightly ${relative(resolve(options.out, 'nightly'), dir)}`;
  writeRunSummary(
    dir,
    title,
    `${options.quick ? 'quick subset' : 'full catalogue'} · seed ${seed} · ${options.runtime} runtime · repeat ${options.repeat} · lines ${lines.map((l) => l.id).join(', ')}`,
    results,
    (r) => hrefs.get(r)!,
    comparisonHtml(comparison),
    { seed, lines: lines.map((l) => l.id), cells, comparison },
  );
  if (options.updateBaseline) writeBaseline(baselineFile, cells, `written by kafka-chaos nightly${options.quick ? ' --quick' : ''} (seed ${seed})`);

  for (const r of comparison.regressions) process.stdout.write(`REGRESSION ${r.experiment} on ${r.line}: ${r.outcome} (baseline: ${r.was})\n`);
  for (const r of comparison.flaky) process.stdout.write(`FLAKY ${r.experiment} on ${r.line}\n`);
  for (const r of comparison.fixed) process.stdout.write(`FIXED ${r.experiment} on ${r.line} (baseline: ${r.was})\n`);
  const counts = cells.reduce<Record<string, number>>((acc, c) => ((acc[c.outcome] = (acc[c.outcome] ?? 0) + 1), acc), {});
  process.stdout.write(`${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}\nreport: ${join(dir, 'index.html')}\njunit: ${join(dir, 'junit.xml')}\n`);
  if (cells.some((c) => c.outcome === 'error')) return 2;
  return comparison.regressions.length > 0 ? 1 : 0;
}
