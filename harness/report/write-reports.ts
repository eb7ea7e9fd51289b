import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonHtml } from './comparison.js';
import { junitXml } from './junit.js';
import { summaryMarkdown } from './markdown.js';
import { writeJsonAtomic, type RunResult } from './result.js';
import { runReportHtml } from './run-report.js';

export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  // rename is atomic on one file system: readers see the old report or the new one, never half.
  renameSync(tmp, file);
}

/** The report of one experiment on one broker, next to its result.json. */
export function writeRunReport(dir: string, result: RunResult): void {
  writeJsonAtomic(join(dir, 'result.json'), result);
  writeFileAtomic(join(dir, 'report.html'), runReportHtml(result));
}

/** summary.json, summary.md, junit.xml and index.html of a whole run. */
export function writeRunSummary(
  runDir: string,
  title: string,
  subtitle: string,
  results: RunResult[],
  href: (r: RunResult) => string = (r) => `${r.experiment}/${r.broker}/report.html`,
  extraHtml = '',
  extraJson: Record<string, unknown> = {},
): void {
  writeJsonAtomic(join(runDir, 'summary.json'), {
    title,
    ...extraJson,
    results: results.map((r) => ({
      experiment: r.experiment,
      broker: r.broker,
      brokerVersion: r.brokerVersion,
      runtime: r.runtime,
      seed: r.seed,
      verdict: r.verdict,
      reason: r.reason,
      counts: r.counts,
      report: href(r),
    })),
  });
  writeFileAtomic(join(runDir, 'summary.md'), summaryMarkdown(title, results));
  writeFileAtomic(join(runDir, 'junit.xml'), junitXml(title, results));
  writeFileAtomic(join(runDir, 'index.html'), comparisonHtml(title, subtitle, results, href, extraHtml));
}
