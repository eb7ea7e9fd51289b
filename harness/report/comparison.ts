import { outcomeOf } from '../nightly/baseline.js';
import { badge, esc, page } from './html.js';
import type { RunResult } from './result.js';

export interface ComparisonRow {
  experiment: string;
  description: string;
  /** Column key -> every run of the experiment there (several with --repeat). */
  cells: Map<string, RunResult[]>;
  /** The brokers disagree: an outcome differs, or one lost messages and another did not. */
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
    row.cells.set(columnKey(r), [...(row.cells.get(columnKey(r)) ?? []), r]);
  }
  for (const row of byExperiment.values()) {
    const ran = [...row.cells.values()].filter((rs) => rs.some((r) => r.verdict === 'pass' || r.verdict === 'fail'));
    row.differs =
      new Set(ran.map((rs) => outcomeOf(rs.map((r) => r.verdict)))).size > 1 || new Set(ran.map((rs) => rs.some((r) => r.counts.lost > 0))).size > 1;
  }
  return { columns, rows: [...byExperiment.values()].sort((a, b) => a.experiment.localeCompare(b.experiment)) };
}

/** The outcome of a cell and, for repeats, how many runs passed. */
export function cellSummary(runs: RunResult[]): { outcome: string; detail: string } {
  const outcome = outcomeOf(runs.map((r) => r.verdict));
  const passed = runs.filter((r) => r.verdict === 'pass').length;
  const last = runs[runs.length - 1]!;
  const c = last.counts;
  const counts = `lost ${c.lost} · acked ${c.acknowledged} · dup ${c.duplicated} · unknown ${c.indeterminate}`;
  const repeats = runs.length > 1 ? `${passed}/${runs.length} passed · ` : '';
  return { outcome, detail: last.verdict === 'pass' || last.verdict === 'fail' ? `${repeats}${counts}` : `${repeats}${last.reason}` };
}

function cell(runs: RunResult[] | undefined, href: (r: RunResult) => string): string {
  if (!runs) return '<td class="muted">not run</td>';
  const { outcome, detail } = cellSummary(runs);
  const links = runs.length > 1 ? ` ${runs.map((r, i) => `<a href="${esc(href(r))}">#${i + 1}</a>`).join(' ')}` : '';
  return `<td data-broker="${esc(columnKey(runs[0]!))}"><a href="${esc(href(runs[0]!))}">${badge(outcome)}</a>${links}<div class="muted">${esc(detail)}</div></td>`;
}

/** index.html of a run: every experiment, the brokers side by side, differences outlined. */
export function comparisonHtml(title: string, subtitle: string, results: RunResult[], href: (r: RunResult) => string, extra = ''): string {
  const { columns, rows } = compare(results);
  const cells = rows.flatMap((row) => [...row.cells.values()]);
  const good = cells.filter((rs) => ['pass', 'not-applicable'].includes(outcomeOf(rs.map((r) => r.verdict)))).length;
  const body = `
<h1>${esc(title)}</h1>
<p class="muted">${esc(subtitle)}</p>
<p>${good} of ${cells.length} experiment runs met their expectation. Rows outlined in orange are experiments where the brokers behaved differently.</p>
${extra}
<table id="comparison"><tr><th>experiment</th>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>
${rows
  .map(
    (row) =>
      `<tr class="${row.differs ? 'diff' : ''}" data-experiment="${esc(row.experiment)}" data-differs="${row.differs}"><td><b>${esc(row.experiment)}</b><div class="muted">${esc(row.description.split(/(?<=\.)\s/)[0] ?? '')}</div></td>` +
      columns.map((c) => cell(row.cells.get(c), href)).join('') +
      '</tr>',
  )
  .join('\n')}
</table>`;
  return page(title, body);
}
