// `npm run fuzz -- [--cases N] [--minutes M] [--seed S] [--concurrency C] [--max-rss-mb MB] [--heap-limit-mb MB] [--out FILE]`:
// a protocol fuzz run against a real broker-ts process (see fuzz-run.ts). Prints progress, writes
// the report as JSON (--out), exits 0 when the broker came through, 1 when it did not.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz-run.js';
import type { FuzzReport } from './fuzz-run.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    batch: { type: 'string', default: '5000' },
    'max-rss-mb': { type: 'string', default: '512' },
    'heap-limit-mb': { type: 'string', default: '256' },
    'log-level': { type: 'string', default: 'error' },
    out: { type: 'string' },
  },
});

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`fuzz: --${name} must be a positive number, got "${text}"`);
    process.exit(2);
  }
  return value;
}

function summary(report: FuzzReport): string {
  const m = report.memory;
  return (
    `${report.cases} cases in ${Math.round(report.elapsedMs / 1000)} s (${report.casesPerSecond}/s), ` +
    `broker RSS ${m.startMb}→${m.endMb} MB (max ${m.maxMb}, ${m.slopeMbPerMinute} MB/min), ` +
    `canary ${report.canary.acknowledged} acked / ${report.canary.received} received`
  );
}

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positive('seed', values.seed);
let last = 0;
const report = await runFuzz({
  cases: positive('cases', values.cases),
  maxMs: positive('minutes', values.minutes) * 60_000,
  seed,
  concurrency: positive('concurrency', values.concurrency),
  batch: positive('batch', values.batch),
  maxRssMb: positive('max-rss-mb', values['max-rss-mb']),
  heapLimitMb: positive('heap-limit-mb', values['heap-limit-mb']),
  logLevel: values['log-level']!,
  onProgress: (r) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    console.log(summary(r));
  },
});
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(summary(report));
console.log(JSON.stringify({ byKind: report.byKind, healthChecks: report.healthChecks, excludedApis: report.excludedApis }));
if (report.failure !== undefined) {
  console.error(`FAIL (seed ${seed}): ${report.failure}\nbroker log: ${report.logFile}`);
  process.exit(1);
}
console.log(`PASS (seed ${seed})`);
process.exit(0);
