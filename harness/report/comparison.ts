import { badge, esc, page } from './html.js';
import type { RunResult } from './result.js';

export interface ComparisonRow {
  experiment: string;
  description: string;
  cells: Map<string, RunResult>;
  /** The brokers disagree: a verdict differs, or one lost messages and another did not. */
  differs: boolean;
}

export function columnKey(r: RunResult): string {
  return `${r.broker} ${r.brokerVersion}`;
}

export function compare(results: RunResult[]): { columns: string[]; rows: ComparisonRow[] } {
  const columns = [...new Set(results.map(columnKey))].sort();
  const byExperiment = new Map<string, ComparisonRow>();
  for (const r of results) {
    let row = byExperiment.get(r.experiment);
    if (!row) {
      row = { experiment: r.experiment, description: r.description, cells: new Map(), differs: false };
      byExperiment.set(r.experiment, row);
    }
    row.cells.set(columnKey(r), r);
  }
  for (const row of byExperiment.values()) {
    const ran = [...row.cells.values()].filter((r) => r.verdict === 'pass' || r.verdict === 'fail');
    row.differs = new Set(ran.map((r) => r.verdict)).size > 1 || new Set(ran.map((r) => r.counts.lost > 0)).size > 1;
  }
  return { columns, rows: [...byExperiment.values()].sort((a, b) => a.experiment.localeCompare(b.experiment)) };
}

function cell(r: RunResult | undefined, href: (r: RunResult) => string): string {
  if (!r) return '<td class="muted">not run</td>';
  const c = r.counts;
  const detail =
    r.verdict === 'pass' || r.verdict === 'fail'
      ? `<div class="muted">lost ${c.lost} · acked ${c.acknowledged} · dup ${c.duplicated} · unknown ${c.indeterminate}</div>`
      : `<div class="muted">${esc(r.reason)}</div>`;
  return `<td data-broker="${esc(columnKey(r))}"><a href="${esc(href(r))}">${badge(r.verdict)}</a>${detail}</td>`;
}

/** index.html of a run: every experiment, the brokers side by side, differences outlined. */
export function comparisonHtml(title: string, subtitle: string, results: RunResult[], href: (r: RunResult) => string): string {
  const { columns, rows } = compare(results);
  const passed = results.filter((r) => r.verdict === 'pass' || r.verdict === 'not-applicable').length;
  const body = `
<h1>${esc(title)}</h1>
<p class="muted">${esc(subtitle)}</p>
<p>${passed} of ${results.length} runs met their expectation. Rows outlined in orange are experiments where the brokers behaved differently.</p>
<table id="comparison"><tr><th>experiment</th>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>
${rows
  .map(
    (row) => `<tr class="${row.differs ? 'diff' : ''}" data-experiment="${esc(row.experiment)}" data-differs="${row.differs}"><td><b>${esc(row.experiment)}</b><div class="muted">${esc(row.description.split(/(?<=\.)\s/)[0] ?? '')}</div></td>` +
      columns.map((c) => cell(row.cells.get(c), href)).join('') + '</tr>',
  )
  .join('\n')}
</table>`;
  return page(title, body);
}
