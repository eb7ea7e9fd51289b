import { describeFault, type ExplainedLoss } from './explain.js';
import { badge, esc, page } from './html.js';
import type { RunResult } from './result.js';
import { lineChart, type Window } from './svg-chart.js';

const COUNT_HELP: Record<string, string> = {
  attempted: 'sends invoked',
  acknowledged: 'sends the client reported as written',
  failed: 'sends the broker certainly rejected',
  indeterminate: 'sends with an unknown outcome',
  lost: 'acknowledged, never read',
  recovered: 'unknown outcome, read anyway',
  duplicated: 'read at more than one offset',
  unexpected: 'read, never sent',
};

function faultWindows(r: RunResult): Window[] {
  const end = r.timeline?.buckets.at(-1)?.start ?? 0;
  return r.faults
    .filter((f) => f.injectedAt !== undefined)
    .map((f) => ({ from: f.injectedAt!, to: f.healedAt ?? end + (r.timeline?.bucketMs ?? 1000), label: describeFault(f) }));
}

function charts(r: RunResult): string {
  const t = r.timeline;
  if (!t || t.buckets.length === 0) return '<p class="muted">No sends were recorded.</p>';
  const x0 = t.buckets[0]!.start;
  const x1 = t.buckets.at(-1)!.start + t.bucketMs;
  const perSecond = 1000 / t.bucketMs;
  const mid = (start: number) => start + t.bucketMs / 2;
  const windows = faultWindows(r);
  const markers = t.leaders.map((l) => ({ at: l.time, label: `partition ${l.partition}: leader ${l.leader}, ISR ${l.isr.join(',')}` }));
  const throughput = lineChart({
    id: 'throughput',
    title: 'Throughput (messages per second)',
    yLabel: 'msg/s',
    xDomain: [x0, x1],
    windows,
    markers,
    series: [
      { name: 'attempted', color: '#8892a6', points: t.buckets.map((b) => [mid(b.start), b.attempted * perSecond]) },
      { name: 'acknowledged', color: '#2a9d5c', points: t.buckets.map((b) => [mid(b.start), b.acknowledged * perSecond]) },
      { name: 'failed/unknown', color: '#d1495b', points: t.buckets.map((b) => [mid(b.start), (b.failed + b.indeterminate) * perSecond]) },
    ],
  });
  const latency = lineChart({
    id: 'latency',
    title: 'Acknowledgement latency (ms)',
    yLabel: 'ms',
    xDomain: [x0, x1],
    windows,
    markers,
    series: [
      { name: 'p50', color: '#3066be', points: t.buckets.map((b) => [mid(b.start), b.p50Ms]) },
      { name: 'p99', color: '#e08e0b', points: t.buckets.map((b) => [mid(b.start), b.p99Ms]) },
      { name: 'max', color: '#b5bcc8', points: t.buckets.map((b) => [mid(b.start), b.maxMs]) },
    ],
  });
  return `${throughput}\n${latency}
<p class="muted">Shaded: faults in force. Dashed lines: leadership or ISR changes seen by the harness (hover for details).
Latency over the run: p50 ${t.latency.p50Ms ?? '-'} ms, p99 ${t.latency.p99Ms ?? '-'} ms, p99.9 ${t.latency.p999Ms ?? '-'} ms, max ${t.latency.maxMs ?? '-'} ms.
Longest stretch without an acknowledgement: ${(t.longestOutageMs / 1000).toFixed(1)} s.</p>`;
}

interface LossGroup {
  key: string;
  partition: number;
  count: number;
  offsets: [number, number] | undefined;
  ackTimes: [number, number];
  example: ExplainedLoss;
}

/** Lost messages with the same cause (partition, leader then, faults in force, next leader) together. */
function groupLosses(lost: ExplainedLoss[]): LossGroup[] {
  const groups = new Map<string, LossGroup>();
  for (const m of lost) {
    const key = [m.partition, m.ackedBy, m.faultsInForce.join(';'), m.faultsSoonAfter.join(';'), m.nextLeader?.leader].join('|');
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        key,
        partition: m.partition,
        count: 1,
        offsets: m.offset !== undefined ? [m.offset, m.offset] : undefined,
        ackTimes: [m.ackTime, m.ackTime],
        example: m,
      });
      continue;
    }
    g.count++;
    if (m.offset !== undefined) g.offsets = g.offsets ? [Math.min(g.offsets[0], m.offset), Math.max(g.offsets[1], m.offset)] : [m.offset, m.offset];
    g.ackTimes = [Math.min(g.ackTimes[0], m.ackTime), Math.max(g.ackTimes[1], m.ackTime)];
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

function lostTable(r: RunResult): string {
  if (r.counts.lost === 0) return '<p>No acknowledged message was lost.</p>';
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const groups = groupLosses(r.lost)
    .map((g) => {
      const m = g.example;
      const cause = [
        m.ackedBy !== undefined ? `acknowledged by node ${m.ackedBy}, the leader then` : 'leader at acknowledgement not observed',
        m.faultsInForce.length ? `during ${m.faultsInForce.join('; ')}` : 'with no fault in force',
        ...m.faultsSoonAfter.map((f) => `just before ${f}`),
        m.nextLeader
          ? `node ${m.nextLeader.leader} took over at ${s(m.nextLeader.time)}${m.nextLeader.epoch >= 0 ? ` (leader epoch ${m.nextLeader.epoch})` : ''} without them`
          : 'no later leader change observed',
      ].join('; ');
      return `<tr class="loss-group"><td class="num">${g.count}</td><td class="num">${g.partition}</td><td class="num">${g.offsets ? `${g.offsets[0]}-${g.offsets[1]}` : '-'}</td><td class="num">${s(g.ackTimes[0])}-${s(g.ackTimes[1])}</td><td>${esc(cause)}</td></tr>`;
    })
    .join('\n');
  const shown = r.lost.slice(0, 200);
  const rows = shown
    .map(
      (m) =>
        `<tr class="lost-message"><td class="num">${m.id}</td><td class="num">${m.partition}</td><td class="num">${m.offset ?? '-'}</td>` +
        `<td class="num">${(m.ackTime / 1000).toFixed(3)}s</td><td class="num">${m.ackedBy ?? '?'}</td><td>${esc(m.explanation)}</td></tr>`,
    )
    .join('\n');
  return `<p>${r.counts.lost} acknowledged message(s) were never read. Grouped by cause:</p>
<table id="loss-groups"><tr><th>messages</th><th>partition</th><th>acked offsets</th><th>acked between</th><th>why they were lost</th></tr>
${groups}</table>
<details><summary>Every lost message${r.counts.lost > shown.length ? ` (the first ${shown.length}; result.json lists up to 1,000)` : ''}</summary>
<table id="lost"><tr><th>message</th><th>partition</th><th>acked offset</th><th>acked at</th><th>leader then</th><th>why it was lost</th></tr>
${rows}</table></details>`;
}

/** Every anomaly class: violations first, then the allowed ones with their reason, then the rest. */
function anomalies(r: RunResult): string {
  const rank = (a: RunResult['anomalyClasses'][number]) => (a.count > 0 ? (a.allowedBecause === undefined ? 0 : 1) : 2);
  const rows = [...r.anomalyClasses]
    .sort((a, b) => rank(a) - rank(b))
    .map((a) => {
      const status =
        a.count === 0 ? '<span class="muted">none</span>' : a.allowedBecause === undefined ? '<b>violation</b>' : `allowed: ${esc(a.allowedBecause)}`;
      return `<tr data-anomaly="${esc(a.name)}"><td><code>${esc(a.name)}</code></td><td class="muted">${esc(a.jepsen)}</td><td class="num">${a.count}</td><td>${status}</td></tr>`;
    })
    .join('');
  const unsound = r.historyProblems.length
    ? `<p><b>The history is unsound:</b></p><ul>${r.historyProblems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`
    : '';
  return `${unsound}<table id="anomalies"><tr><th>class</th><th>Jepsen</th><th>count</th><th></th></tr>${rows}</table>`;
}

function processing(r: RunResult): string {
  const p = r.processing;
  if (!p) return '';
  const rows: [string, number, string][] = [
    ['in the log', p.inLog, 'messages the drain read'],
    ['processed', p.processed, 'in at least one member journal'],
    ['processing lost', p.processedLost, 'below the committed offset, in no journal'],
    ['processed twice or more', p.processedDuplicates, ''],
    ['not processed yet', p.unprocessed, 'at or above the committed offset'],
  ];
  const examples = p.lostExamples
    .slice(0, 20)
    .map((e) => `partition ${e.partition} offset ${e.offset} (message ${e.id})`)
    .join(', ');
  return `<h2>Consumer group</h2>
<table id="processing">${rows.map(([k, v, help]) => `<tr><th>${esc(k)}</th><td class="num">${v}</td><td class="muted">${esc(help)}</td></tr>`).join('')}</table>
<p class="muted">Committed offsets at the end: ${
    Object.entries(p.committed)
      .map(([k, v]) => `partition ${esc(k)}: ${v}`)
      .join(', ') || 'none'
  }.${examples ? ` Lost processing, e.g. ${esc(examples)}.` : ''}</p>`;
}

function transactions(r: RunResult): string {
  const t = r.transactions;
  if (!t) return '';
  const rows: [string, number, string][] = [
    ['committed transactions', t.transactions.committed, ''],
    ['aborted transactions', t.transactions.aborted, `on purpose or fenced; ${t.abortedRecordsInLog} of their records are in the log (read_uncommitted)`],
    ['unknown outcome', t.transactions.unknown, 'the worker died or timed out mid-commit'],
    ['aborted reads', t.abortedReads, 'records of aborted transactions a read_committed consumer saw'],
    ['torn transactions', t.tornTransactions, 'only part of the output visible'],
    ['lost committed transactions', t.lostCommittedTransactions, 'reported committed, no output'],
    ['duplicated outputs', t.outputDuplicates, 'input records in the committed output more than once'],
    ['missing outputs', t.missingOutputs, 'input committed past, no committed output'],
  ];
  const ex = t.examples;
  const evidence = [
    ...ex.abortedReads.slice(0, 5).map((e) => `message ${e.id} of aborted transaction ${e.txn} was read`),
    ...ex.torn.slice(0, 5).map((e) => `transaction ${e.txn}: ${e.visible} of ${e.expected} records visible`),
    ...ex.lostCommitted.slice(0, 5).map((e) => `transaction ${e} committed, nothing visible`),
    ...ex.duplicates.slice(0, 5).map((e) => `input ${e.id} output by ${e.txns.join(' and ')}`),
    ...ex.missing.slice(0, 5).map((e) => `input partition ${e.partition} offset ${e.offset} (message ${e.id}) committed, no output`),
  ];
  return `<h2>Exactly-once pipeline</h2>
<table id="transactions">${rows.map(([k, v, help]) => `<tr><th>${esc(k)}</th><td class="num">${v}</td><td class="muted">${esc(help)}</td></tr>`).join('')}</table>
${evidence.length ? `<p>Evidence:</p><ul>${evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '<p>Exactly-once held: every committed transaction is wholly visible once, nothing aborted was read.</p>'}`;
}

function quorum(r: RunResult): string {
  const q = r.quorum;
  if (!q) return '';
  const rows: [string, number, string][] = [
    ['topics created', q.topicsCreated, 'creations the controller acknowledged: records committed to the metadata log'],
    ['unknown creations', q.topicsUnknown, 'an error or no answer: may or may not have been committed'],
    ['lost topics', q.lostTopics.length, "acknowledged, and missing from a node's metadata at the end"],
    ['split epochs', q.splitEpochs.length, 'quorum epochs with two leaders'],
    ['epochs seen', q.epochsSeen, "distinct epochs in the nodes' quorum-state files"],
  ];
  const evidence = [
    ...q.lostTopics.slice(0, 10).map((t) => `${t.topic}, acknowledged at ${(t.createdAt / 1000).toFixed(1)} s, is missing on node ${t.missingOn.join(', ')}`),
    ...q.splitEpochs.flatMap((e) => [
      ...(e.claims.length > 1
        ? [`epoch ${e.epoch}: ${e.claims.map((c) => `node ${c.node} named leader ${c.leader} at ${(c.time / 1000).toFixed(1)} s`).join(', ')}`]
        : []),
      ...e.divergentBatches
        .slice(0, 5)
        .map(
          (d) =>
            `epoch ${e.epoch}, offset ${d.offset}: ${d.versions.map((v) => `node ${v.node} held CRC ${v.crc.toString(16)} at ${(v.time / 1000).toFixed(1)} s`).join(', ')}`,
        ),
    ]),
    ...Object.entries(q.nodesUnread).map(([node, why]) => `node ${node} could not be read at the end: ${why}`),
  ];
  const nodes = Object.entries(q.nodesRead)
    .map(([node, n]) => `node ${esc(node)}: ${n.topics} topics, ${n.batches} metadata batches`)
    .join('; ');
  return `<h2>Metadata quorum</h2>
<table id="quorum">${rows.map(([k, v, help]) => `<tr><th>${esc(k)}</th><td class="num">${v}</td><td class="muted">${esc(help)}</td></tr>`).join('')}</table>
<p class="muted">Read at the end: ${nodes || 'no node'}.</p>
${evidence.length ? `<p>Evidence:</p><ul>${evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '<p>The quorum held: one leader per epoch, every acknowledged topic on every node.</p>'}`;
}

/** The self-contained HTML report of one experiment on one broker. */
export function runReportHtml(r: RunResult): string {
  const counts = Object.entries(r.counts)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num" data-count="${esc(k)}">${v}</td><td class="muted">${esc(COUNT_HELP[k] ?? '')}</td></tr>`)
    .join('');
  const expectations = r.expectationResults
    .map(
      (e) =>
        `<tr><td>${esc(e.measure)}</td><td><code>${esc(e.condition)}</code></td><td class="num">${e.actual ?? '-'}</td><td>${e.held ? 'held' : '<b>did not hold</b>'}</td></tr>`,
    )
    .join('');
  const evidence = (lines: string[] | undefined) => (lines?.length ? lines.map((l) => esc(l)).join('<br>') : '');
  const faults = r.faults
    .map(
      (f) =>
        `<tr><td>${esc(f.fault)}${f.name ? ` <span class="muted">${esc(f.name)}</span>` : ''}${f.nested ? ' <span class="muted">(random nemesis)</span>' : ''}</td><td>${esc(f.target)}</td><td>${f.nodes.join(', ')}</td><td class="num">${f.injectedAt !== undefined ? `${(f.injectedAt / 1000).toFixed(1)}s` : '-'}</td><td class="num">${f.healedAt !== undefined ? `${(f.healedAt / 1000).toFixed(1)}s` : '-'}</td><td>${evidence(f.evidence)}${f.healEvidence?.length ? `<br><span class="muted">healed: ${evidence(f.healEvidence)}</span>` : ''}${f.error ? `<br><b>${esc(f.error)}</b>` : ''}</td></tr>`,
    )
    .join('');
  const problems = [...r.errors, ...r.faultProblems];
  const config = Object.entries({ ...r.config.broker, ...Object.fromEntries(Object.entries(r.config.topic.config).map(([k, v]) => [`topic ${k}`, v])) })
    .map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`)
    .join(' ');
  const producer = r.config.producers
    .map(
      (p) =>
        `<p>Producer ${esc(p.name)}: ${Object.entries(p)
          .filter(([k]) => k !== 'name')
          .map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`)
          .join(' ')}</p>`,
    )
    .join('');
  const body = `
<h1>${esc(r.experiment)} on ${esc(r.broker)} ${esc(r.brokerVersion)} ${badge(r.verdict)}</h1>
<p class="muted">run ${esc(r.runId)} · seed ${r.seed} · ${esc(r.runtime)} runtime · started ${esc(r.startedAt)} · kafkajs ${esc(r.config.kafkajs)}</p>
<p>${esc(r.description)}</p>
<p><b>Verdict:</b> ${esc(r.reason)}</p>
${problems.length ? `<ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
<h2>Expectation</h2>
<table id="expectations"><tr><th>measure</th><th>condition</th><th>actual</th><th></th></tr>${expectations}</table>
<h2>Counts</h2>
<table id="counts">${counts}</table>
<h2>Over time</h2>
${charts(r)}
<h2>Lost messages</h2>
${lostTable(r)}
${processing(r)}
${transactions(r)}
${quorum(r)}
<h2>Anomalies</h2>
${anomalies(r)}
<h2>Faults</h2>
<table id="faults"><tr><th>fault</th><th>target</th><th>nodes</th><th>injected</th><th>healed</th><th>evidence</th></tr>${faults}</table>
<h2>Configuration</h2>
<p>${r.config.nodes} nodes · topic <code>${esc(r.config.topic.name)}</code>, ${r.config.topic.partitions} partition(s), RF ${r.config.topic.replicationFactor}</p>
<p>Broker: ${config || '<span class="muted">defaults</span>'}</p>
${producer}
<p>Timings: ${Object.entries(r.timings)
    .map(([k, v]) => `${esc(k)} ${v} ms`)
    .join(' · ')}</p>
<p>Files: <a href="result.json">result.json</a> · <a href="${esc(r.files.history)}">history</a> · <a href="${esc(r.files.logs)}">broker logs and configs</a></p>
`;
  return page(`${r.experiment} on ${r.broker}: ${r.verdict}`, body);
}
