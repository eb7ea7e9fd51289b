import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../runtime/supervisor.js';
import { runCli } from '../testing/cli.js';
import type { CompatReport } from './runner.js';
import type { MatrixRow } from './matrix.js';

const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-compat-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const brokerTsExists = existsSync(join(REPO_ROOT, 'broker-ts', 'main.ts'));

type WrittenReport = CompatReport & { matrix: { columns: string[]; rows: MatrixRow[] } };

/** The single compat-<run-id> folder a run wrote under `out`, and its compat.json. */
function written(out: string): { dir: string; report: WrittenReport } {
  const runs = readdirSync(out).filter((d) => d.startsWith('compat-'));
  expect(runs).toHaveLength(1);
  const dir = join(out, runs[0]!);
  return { dir, report: JSON.parse(readFileSync(join(dir, 'compat.json'), 'utf8')) as WrittenReport };
}

describe('kafka-chaos compat', () => {
  it('runs scenarios for several kafkajs releases side by side, prints the matrix and writes it as JSON and Markdown', async () => {
    const out = join(scratch, 'versions');
    const cli = runCli([
      'compat',
      'produce-acks',
      'produce-repeated-header-keys',
      '--broker',
      'kafka',
      '--nodes',
      '1',
      '--kafkajs',
      '1.16.0,2.0.2,2.2.4',
      '--out',
      out,
    ]);
    const exit = await cli.exit;
    expect(exit.code, cli.stderr().slice(-3000)).toBe(0);
    const stdout = cli.stdout();
    expect(stdout).toMatch(/^kafkajs compatibility: kafka \S+ · kafkajs 1\.16\.0, 2\.0\.2, 2\.2\.4 · 1 node\(s\) · 5 pass, 0 fail, 1 skipped/);
    expect(stdout).toMatch(/produce-acks +PASS +PASS +PASS/);
    expect(stdout).toMatch(/produce-repeated-header-keys +SKIP +PASS +PASS/);
    expect(stdout).toMatch(/- produce-repeated-header-keys on kafka \S+ \/ kafkajs 1\.16\.0: skipped: needs kafkajs 2\.0\.0 or newer \(this is 1\.16\.0\)/);

    const { dir, report } = written(out);
    expect(report.kafkajs).toEqual(['1.16.0', '2.0.2', '2.2.4']);
    expect(report.brokers).toMatchObject([{ broker: 'kafka', nodes: 1 }]);
    expect(report.results).toHaveLength(6);
    expect(
      report.results
        .filter((r) => r.verdict === 'pass')
        .map((r) => `${r.scenario}@${r.kafkajs}`)
        .sort(),
    ).toEqual(['produce-acks@1.16.0', 'produce-acks@2.0.2', 'produce-acks@2.2.4', 'produce-repeated-header-keys@2.0.2', 'produce-repeated-header-keys@2.2.4']);
    expect(report.matrix.columns).toHaveLength(3);
    const markdown = readFileSync(join(dir, 'compat.md'), 'utf8');
    expect(markdown).toMatch(/\| `produce-acks` \| .+ \| PASS \| PASS \| PASS \|/);
  }, 240_000);

  it('exits 1 and gives the reason when a scenario fails (a broker setting that breaks it)', async () => {
    const out = join(scratch, 'failing');
    const cli = runCli([
      'compat',
      'admin-topics',
      'admin-metadata',
      '--broker',
      'kafka',
      '--nodes',
      '1',
      '--broker-config',
      'delete.topic.enable=false',
      '--out',
      out,
    ]);
    expect((await cli.exit).code, cli.stderr().slice(-3000)).toBe(1);
    expect(cli.stdout()).toMatch(/admin-metadata +PASS/);
    expect(cli.stdout()).toMatch(/admin-topics +FAIL/);
    expect(cli.stdout()).toMatch(/- admin-topics on kafka \S+ \/ kafkajs 2\.2\.4: FAIL: deleteTopics: .*INVALID_REQUEST/);
    const { report } = written(out);
    expect(report.brokerConfig).toEqual({ 'delete.topic.enable': 'false' });
    expect(report.results.find((r) => r.scenario === 'admin-topics')).toMatchObject({ verdict: 'fail', reason: expect.stringMatching(/^deleteTopics: /) });
  }, 180_000);

  it('exits 2 with a clear message on an unknown scenario or kafkajs release, before starting anything', async () => {
    const unknownScenario = runCli(['compat', 'no-such-scenario', '--out', scratch]);
    expect((await unknownScenario.exit).code).toBe(2);
    expect(unknownScenario.stderr()).toMatch(/kafka-chaos: no compat scenario named "no-such-scenario"; known: admin-/);
    const unknownRelease = runCli(['compat', '--kafkajs', '2.2.4,1.3.0', '--out', scratch]);
    expect((await unknownRelease.exit).code).toBe(2);
    expect(unknownRelease.stderr()).toMatch(/kafka-chaos: kafkajs 1\.3\.0 is not installed/);
  });

  it.skipIf(brokerTsExists)(
    'runs on --broker broker-ts, and until broker-ts/main.ts exists reports its cluster as not starting (exit 2, ERROR cells)',
    async () => {
      const out = join(scratch, 'broker-ts');
      const cli = runCli(['compat', 'produce-acks', '--broker', 'broker-ts', '--nodes', '1', '--out', out]);
      expect((await cli.exit).code, cli.stderr().slice(-3000)).toBe(2);
      expect(cli.stdout()).toMatch(/produce-acks +ERROR/);
      expect(cli.stdout()).toMatch(/- broker-ts: ERROR: the broker-ts cluster did not start/);
      const { report } = written(out);
      expect(report.brokers[0]).toMatchObject({ broker: 'broker-ts', error: expect.stringMatching(/did not start/) });
    },
    180_000,
  );
});
