// What a soak leaves in results/soak/<run-id>/: soak.json (every cycle, every memory sample and the
// verdict), summary.md, and index.html with the cycles and the memory of each node over time.
import { join } from 'node:path';
import { badge, esc, page } from '../report/html.js';
import { writeJsonAtomic } from '../report/result.js';
import { lineChart, type Series } from '../report/svg-chart.js';
import { writeFileAtomic } from '../report/write-reports.js';
import type { SoakResult } from './soak-run.js';

const COLORS = ['#2f6fde', '#e4572e', '#17a05d', '#8e44ad', '#d9822b', '#16a2b8', '#6c757d', '#b8336a', '#3b3b98'];

export function writeSoakReports(dir: string, result: SoakResult): void {
  writeJsonAtomic(join(dir, 'soak.json'), result);
  writeFileAtomic(join(dir, 'summary.md'), soakMarkdown(result));
  writeFileAtomic(join(dir, 'index.html'), soakHtml(result));
}

function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function soakMarkdown(result: SoakResult): string {
  const lines = [
    `# Soak on ${result.broker} ${result.brokerVersion}: ${result.verdict.toUpperCase()}`,
    '',
    `${result.reason}`,
    '',
    `${result.nodes} nodes, acks=all, min.insync.replicas=${result.config.broker['min.insync.replicas']}, ${result.config.rate} msg/s, faults ${result.config.faults.join(', ')}, seed ${result.seed}, ${result.config.security}`,
    '',
    '| cycle | from | to | faults | attempted | acked | lost | unknown | verdict |',
    '|---|---|---|---|---|---|---|---|---|',
    ...result.cycles.map(
      (c) =>
        `| ${c.cycle} | ${minutes(c.startMs)} | ${minutes(c.endMs)} | ${c.faults
          .filter((f) => f.fault !== 'mix')
          .map((f) => `${f.fault} ${f.error ? '(not injected)' : f.nodes.join(',')}`)
          .join('; ')} | ${c.counts.attempted} | ${c.counts.acknowledged} | ${c.counts.lost} | ${c.counts.indeterminate} | ${c.verdict.toUpperCase()} |`,
    ),
    '',
    `Memory: ${result.memory.reason}`,
    '',
    '| node | pid | from | to | start MB | end MB | max MB | slope MB/h | judged |',
    '|---|---|---|---|---|---|---|---|---|',
    ...result.memory.trends.map(
      (t) =>
        `| ${t.node} | ${t.pid} | ${minutes(t.fromMs)} | ${minutes(t.toMs)} | ${t.startMb} | ${t.endMb} | ${t.maxMb} | ${t.slopeMbPerHour} | ${t.judged ? 'yes' : 'no'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function soakHtml(result: SoakResult): string {
  const end = Math.max(1, ...result.memory.samples.map((s) => s.at), ...result.cycles.map((c) => c.endMs));
  const nodes = [...new Set(result.memory.samples.map((s) => s.node))].sort((a, b) => a - b);
  const series: Series[] = nodes.map((node, i) => ({
    name: `node ${node}`,
    color: COLORS[i % COLORS.length]!,
    // A gap where the node was down or restarted: a new pid starts a new line segment.
    points: result.memory.samples
      .filter((s) => s.node === node)
      .flatMap((s, j, all) =>
        j > 0 && all[j - 1]!.pid !== s.pid
          ? [[s.at / 60_000, null] as [number, null], [s.at / 60_000, s.rssMb] as [number, number]]
          : [[s.at / 60_000, s.rssMb] as [number, number]],
      ),
  }));
  const windows = result.cycles.flatMap((c) =>
    c.faults
      .filter((f) => f.fault !== 'mix' && f.injectedAt !== undefined)
      .map((f) => ({ from: f.injectedAt! / 60_000, to: (f.healedAt ?? f.injectedAt!) / 60_000, label: `${f.fault} ${f.nodes.join(',')}` })),
  );
  const rows = result.cycles
    .map(
      (c) =>
        `<tr data-cycle="${c.cycle}"><td>${c.cycle}</td><td>${esc(minutes(c.startMs))}–${esc(minutes(c.endMs))}</td><td>${esc(
          c.faults
            .filter((f) => f.fault !== 'mix')
            .map((f) => `${f.fault} ${f.nodes.join(',')}${f.error ? ' (not injected)' : ''}`)
            .join('; '),
        )}</td>` +
        `<td class="num">${c.counts.attempted}</td><td class="num">${c.counts.acknowledged}</td><td class="num" data-count="lost">${c.counts.lost}</td><td class="num">${c.counts.indeterminate}</td><td>${badge(c.verdict)}</td><td>${esc(c.reason)}</td></tr>`,
    )
    .join('\n');
  const trends = result.memory.trends
    .map(
      (t) =>
        `<tr><td>${t.node}</td><td>${t.pid}</td><td>${esc(minutes(t.fromMs))}–${esc(minutes(t.toMs))}</td><td class="num">${t.startMb}</td><td class="num">${t.endMb}</td><td class="num">${t.maxMb}</td><td class="num">${t.slopeMbPerHour}</td><td>${t.judged ? 'yes' : 'no'}</td></tr>`,
    )
    .join('\n');
  return page(
    `soak on ${result.broker}`,
    `<h1>Soak on ${esc(result.broker)} ${esc(result.brokerVersion)} ${badge(result.verdict)}</h1>
<p>${esc(result.reason)}</p>
<p class="muted">${result.nodes} nodes, acks=all, min.insync.replicas=${esc(result.config.broker['min.insync.replicas'])}, ${result.config.rate} msg/s, faults ${esc(result.config.faults.join(', '))}, seed ${result.seed}, ${esc(result.config.security)}; the random nemesis in cycles of ${esc(minutes(result.config.cycleMs))}, each healed, drained and checked.</p>
<h2>Cycles</h2>
<table id="cycles"><tr><th>cycle</th><th>time</th><th>faults</th><th>attempted</th><th>acked</th><th>lost</th><th>unknown</th><th>verdict</th><th>why</th></tr>
${rows}</table>
<h2>Memory</h2>
<p>${esc(result.memory.reason)}</p>
<div class="chart">${lineChart({ id: 'memory', title: 'resident memory (MB) by node, over minutes', yLabel: 'MB', xDomain: [0, end / 60_000], series, windows })}</div>
<table id="memory-trends"><tr><th>node</th><th>pid</th><th>time</th><th>start MB</th><th>end MB</th><th>max MB</th><th>slope MB/h</th><th>judged</th></tr>
${trends}</table>`,
  );
}
