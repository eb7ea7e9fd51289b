import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../report/result.js';
import type { BrokerRun, CompatReport } from './runner.js';
import type { ScenarioResult } from './run-scenario.js';

/** One column of the matrix: a broker with one kafkajs release. */
interface Column {
  run: BrokerRun;
  kafkajs: string;
  label: string;
}

type Cell = 'PASS' | 'FAIL' | 'SKIP' | 'ERROR' | 'not run';

export interface MatrixRow {
  scenario: string;
  title: string;
  cells: Cell[];
  /** Per kafkajs release: do the brokers that ran agree? Undefined with a single broker. */
  agree: boolean | undefined;
}

function columnsOf(report: CompatReport): Column[] {
  return report.kafkajs.flatMap((kafkajs) =>
    report.brokers.map((run) => ({ run, kafkajs, label: `${run.broker} ${run.brokerVersion ?? ''}`.trim() + ` / kafkajs ${kafkajs}` })),
  );
}

function find(report: CompatReport, scenario: string, column: Column): ScenarioResult | undefined {
  return report.results.find((r) => r.scenario === scenario && r.broker === column.run.broker && r.kafkajs === column.kafkajs);
}

function cellOf(result: ScenarioResult | undefined, run: BrokerRun): Cell {
  if (run.error !== undefined) return 'ERROR';
  if (!result) return 'not run';
  return result.verdict === 'pass' ? 'PASS' : result.verdict === 'fail' ? 'FAIL' : 'SKIP';
}

export function matrixRows(report: CompatReport): { columns: string[]; rows: MatrixRow[] } {
  const columns = columnsOf(report);
  const rows = report.scenarios.map(({ name, title }) => {
    const cells = columns.map((c) => cellOf(find(report, name, c), c.run));
    let agree: boolean | undefined;
    if (report.brokers.length > 1) {
      agree = report.kafkajs.every((kafkajs) => {
        const verdicts = columns.filter((c) => c.kafkajs === kafkajs).map((c) => cellOf(find(report, name, c), c.run));
        return verdicts.every((v) => v === verdicts[0]);
      });
    }
    return { scenario: name, title, cells, agree };
  });
  return { columns: columns.map((c) => c.label), rows };
}

/**
 * A start-up error in one line: its first line, and its last one, which for a node that exited is
 * what the node itself said (the lines between are log tails, kept in compat.json).
 */
function oneLine(error: string): string {
  const lines = error
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length <= 1 ? (lines[0] ?? '') : `${lines[0]} … ${lines[lines.length - 1]}`;
}

/** Failed and skipped cells with their reasons, and brokers that could not run at all. */
function notes(report: CompatReport): string[] {
  const lines = report.brokers.filter((b) => b.error !== undefined).map((b) => `${b.broker}: ERROR: ${oneLine(b.error!)}`);
  for (const r of report.results) {
    if (r.verdict === 'pass') continue;
    lines.push(`${r.scenario} on ${r.broker} ${r.brokerVersion} / kafkajs ${r.kafkajs}: ${r.verdict === 'fail' ? 'FAIL' : 'skipped'}: ${r.reason}`);
  }
  return lines;
}

export function tally(report: CompatReport): Record<ScenarioResult['verdict'], number> {
  const counts = { pass: 0, fail: 0, skipped: 0 };
  for (const r of report.results) counts[r.verdict]++;
  return counts;
}

function headline(report: CompatReport): string {
  const t = tally(report);
  const brokers = report.brokers.map((b) => `${b.broker} ${b.brokerVersion ?? '(did not start)'}`).join(', ');
  return `kafkajs compatibility: ${brokers} · kafkajs ${report.kafkajs.join(', ')} · ${report.nodes} node(s) · ${t.pass} pass, ${t.fail} fail, ${t.skipped} skipped · ${(report.durationMs / 1000).toFixed(0)} s`;
}

/** The matrix for a terminal: scenario by broker and kafkajs release, then the reasons. */
export function matrixText(report: CompatReport): string {
  const { columns, rows } = matrixRows(report);
  const agreeing = report.brokers.length > 1;
  const header = ['scenario', ...columns, ...(agreeing ? ['brokers agree'] : [])];
  const body = rows.map((r) => [r.scenario, ...r.cells, ...(agreeing ? [r.agree ? 'yes' : 'NO'] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [headline(report), '', line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const reasons = notes(report);
  if (reasons.length) out.push('', ...reasons.map((l) => `- ${l}`));
  return out.join('\n');
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function matrixMarkdown(report: CompatReport): string {
  const { columns, rows } = matrixRows(report);
  const agreeing = report.brokers.length > 1;
  const header = ['scenario', 'checks', ...columns, ...(agreeing ? ['brokers agree'] : [])];
  const lines = [
    '# kafkajs compatibility',
    '',
    headline(report),
    '',
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| \`${r.scenario}\` | ${mdCell(r.title)} | ${r.cells.join(' | ')}${agreeing ? ` | ${r.agree ? 'yes' : '**NO**'}` : ''} |`),
  ];
  const reasons = notes(report);
  if (reasons.length) lines.push('', '## Failed and skipped', '', ...reasons.map((l) => `- ${mdCell(l)}`));
  return `${lines.join('\n')}\n`;
}

/** compat.json (the report, every cell with its reason and duration) and compat.md. */
export function writeMatrix(runDir: string, report: CompatReport): { json: string; markdown: string } {
  mkdirSync(runDir, { recursive: true });
  const json = join(runDir, 'compat.json');
  const markdown = join(runDir, 'compat.md');
  writeJsonAtomic(json, { ...report, matrix: matrixRows(report) });
  writeFileSync(markdown, matrixMarkdown(report));
  return { json, markdown };
}
