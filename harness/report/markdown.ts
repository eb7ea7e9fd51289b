import { cellSummary, compare, columnKey } from './comparison.js';
import type { RunResult } from './result.js';

/** summary.md: the run at a glance, for CI job summaries and pull requests. */
export function summaryMarkdown(title: string, results: RunResult[]): string {
  const { columns, rows } = compare(results);
  const lines = [`# ${title}`, '', `| experiment | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = columns.map((c) => {
      const runs = row.cells.get(c);
      if (!runs) return 'not run';
      const { outcome, detail } = cellSummary(runs);
      return `${outcome.toUpperCase()} (${detail.replace(/\|/g, '\\|').split('\n')[0]})`;
    });
    lines.push(`| ${row.differs ? '**' : ''}${row.experiment}${row.differs ? '** (brokers differ)' : ''} | ${cells.join(' | ')} |`);
  }
  const failing = results.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
  if (failing.length) {
    lines.push('', '## Not as expected', '');
    for (const r of failing) lines.push(`- \`${r.experiment}\` on ${columnKey(r)}: ${r.reason.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}
