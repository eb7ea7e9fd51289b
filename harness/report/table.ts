import type { RunResult } from './result.js';

/** A fixed-width table for the terminal: one row per experiment and broker. */
export function resultTable(results: RunResult[]): string {
  const header = ['experiment', 'broker', 'verdict', 'attempted', 'acked', 'lost', 'dup', 'unknown', 'expectation'];
  const rows = results.map((r) => [
    r.experiment,
    `${r.broker} ${r.brokerVersion}`,
    r.verdict.toUpperCase(),
    String(r.counts.attempted),
    String(r.counts.acknowledged),
    String(r.counts.lost),
    String(r.counts.duplicated),
    String(r.counts.indeterminate),
    r.verdict === 'pass' || r.verdict === 'fail'
      ? r.expectationResults.map((e) => `${e.measure} ${e.condition.trim()} (${e.actual})${e.held ? '' : ' ✗'}`).join(', ')
      : r.reason,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
