import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Baseline } from '../nightly/baseline.js';
import type { RunResult } from '../report/result.js';
import { runCli } from '../testing/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-nightly-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXPERIMENTS = ['acks0-leader-kill', 'idempotence-on-network-reset'];

describe('kafka-chaos nightly', () => {
  it('runs experiments two at a time, writes the reports and the baseline, and compares with it', async () => {
    const out = join(scratch, 'out');
    const baseline = join(scratch, 'baseline.json');
    // The baseline of an earlier night: one cell is known to be flaky, one was failing.
    const earlier: Baseline = {
      createdAt: '2026-01-01T00:00:00.000Z',
      note: 'test',
      results: { 'acks0-leader-kill': { 'broker-ts': 'flaky' }, 'idempotence-on-network-reset': { 'broker-ts': 'fail' } },
    };
    writeFileSync(baseline, JSON.stringify(earlier));

    const cli = runCli([
      'nightly',
      ...EXPERIMENTS,
      '--broker',
      'broker-ts',
      '--parallel',
      '2',
      '--seed',
      '5',
      '--out',
      out,
      '--baseline',
      baseline,
      '--update-baseline',
    ]);
    const exit = await cli.exit;
    expect(exit.code, cli.stderr().slice(-3000)).toBe(0);
    expect(cli.stdout()).toMatch(/^2 pass$/m);
    expect(cli.stdout()).toMatch(/^FIXED idempotence-on-network-reset on broker-ts \(baseline: fail\)$/m);

    const [night] = readdirSync(join(out, 'nightly'));
    const dir = join(out, 'nightly', night!);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
      parallel: number;
      seed: number;
      cells: { experiment: string; line: string; outcome: string }[];
      results: { experiment: string; verdict: string; report: string }[];
    };
    expect(summary.parallel).toBe(2);
    expect(summary.seed).toBe(5);
    expect(summary.cells).toEqual(EXPERIMENTS.map((experiment) => ({ experiment, line: 'broker-ts', outcome: 'pass' })));
    for (const name of ['index.html', 'summary.md', 'junit.xml']) expect(readFileSync(join(dir, name), 'utf8').length).toBeGreaterThan(100);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/tests="2"/);

    // The two runs overlapped: each started before the other ended.
    const runs = EXPERIMENTS.map((e) => JSON.parse(readFileSync(join(dir, 'broker-ts', e, 'broker-ts', 'result.json'), 'utf8')) as RunResult);
    const spans = runs.map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.startedAt) + r.timings.totalMs! }));
    expect(spans[0]!.start).toBeLessThan(spans[1]!.end);
    expect(spans[1]!.start).toBeLessThan(spans[0]!.end);

    // The rewritten baseline keeps the flaky cell flaky and records the fixed one as passing.
    const written = JSON.parse(readFileSync(baseline, 'utf8')) as Baseline;
    expect(written.results).toEqual({ 'acks0-leader-kill': { 'broker-ts': 'flaky' }, 'idempotence-on-network-reset': { 'broker-ts': 'pass' } });
  }, 180_000);

  it('refuses a parallelism below one', async () => {
    const cli = runCli(['nightly', 'acks0-leader-kill', '--broker', 'broker-ts', '--parallel', '0', '--out', join(scratch, 'never')]);
    expect((await cli.exit).code).toBe(2);
    expect(cli.stderr()).toMatch(/--parallel must be at least 1/);
  });
});
