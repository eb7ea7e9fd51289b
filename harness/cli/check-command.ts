import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { findExperiment } from '../experiment/load.js';
import { judgeHistoryFile, rejudgeRun, runFoldersUnder } from '../experiment/rejudge.js';
import type { RunResult } from '../report/result.js';
import { writeJsonAtomic } from '../report/result.js';
import { resultTable } from '../report/table.js';
import { writeRunReport, writeRunSummary } from '../report/write-reports.js';

export interface CheckCommandOptions {
  /** A run's folder (one experiment on one broker, or a whole run or nightly), or a history file. */
  target: string;
  /** An experiment name or file to judge with, instead of the definition the run stored. */
  experiment?: string;
}

function exitCode(results: RunResult[]): number {
  if (results.some((r) => r.verdict === 'error')) return 2;
  return results.some((r) => r.verdict === 'fail') ? 1 : 0;
}

function anomalyLines(r: RunResult): string {
  const seen = r.anomalyClasses.filter((a) => a.count > 0);
  return seen.length
    ? seen.map((a) => `  ${a.name} (${a.jepsen}): ${a.count}${a.allowedBecause ? ` — allowed: ${a.allowedBecause}` : ''}`).join('\n')
    : '  no anomaly';
}

/**
 * `kafka-chaos check`: runs the checkers and the expectations again on a stored run (rewriting its
 * result.json and report.html, and the run's summary), or judges a bare history file. Exits 0, 1
 * or 2 like `run`.
 */
export async function checkCommand(options: CheckCommandOptions): Promise<number> {
  const target = resolve(options.target);
  if (!existsSync(target)) throw new HarnessError(`check: no file or folder ${options.target}`);
  const experiment = options.experiment !== undefined ? findExperiment(options.experiment) : undefined;

  if (statSync(target).isFile()) {
    const result = await judgeHistoryFile(target, experiment);
    const out = join(dirname(target), `${basename(target).replace(/\.jsonl?$/, '')}.check.json`);
    writeJsonAtomic(out, result);
    process.stdout.write(`${result.verdict.toUpperCase()}: ${result.reason}\n${anomalyLines(result)}\nresult: ${out}\n`);
    return exitCode([result]);
  }

  const folders = runFoldersUnder(target);
  if (folders.length === 0) throw new HarnessError(`check: ${options.target} holds no run (no result.json in it or below it)`);
  const results: RunResult[] = [];
  for (const folder of folders) {
    const result = await rejudgeRun(folder, experiment);
    writeRunReport(folder, result);
    results.push(result);
  }
  // A whole run's summary is written again from the new verdicts, with its title and links.
  const summaryFile = join(target, 'summary.json');
  if (existsSync(summaryFile)) {
    const { title, results: _old, ...extra } = JSON.parse(readFileSync(summaryFile, 'utf8')) as { title: string; results: unknown[] };
    writeRunSummary(
      target,
      title,
      `judged again by kafka-chaos check on ${new Date().toISOString()}`,
      results,
      (r) => `${relative(target, folders[results.indexOf(r)]!)}/report.html`,
      '',
      extra,
    );
  }
  process.stdout.write(`${resultTable(results)}\n\n`);
  for (const r of results) process.stdout.write(`${r.experiment} on ${r.broker}: ${r.verdict}: ${r.reason}\n${anomalyLines(r)}\n`);
  return exitCode(results);
}
