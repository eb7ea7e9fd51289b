// A child process appends and is killed with SIGKILL: the page cache keeps everything it wrote,
// flushed or not. (What a power loss keeps is the unsynced filesystem's to show: the power-loss-*
// experiments, and the mutant broker.ts.bug.flush.skips.fsync in harness/mutants.)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogConfig } from './log-config.js';
import { logFixture, readAllRecords } from './test-support/log-fixture.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

const here = path.dirname(fileURLToPath(import.meta.url));
const childScript = path.join(here, 'test-support', 'append-then-wait.ts');
const repositoryRoot = path.resolve(here, '..', '..');

interface ChildReport {
  logEndOffset: string;
  recoveryPoint: string;
  lastSegmentBase: string;
  readable: number;
}

/** Runs the child until it reports, then kills it with SIGKILL. */
async function appendAndKill(dir: string, plan: { config: Partial<LogConfig>; flushedBatches: number; unflushedBatches: number }): Promise<ChildReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir, JSON.stringify(plan)], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const report = await new Promise<ChildReport>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) resolve(JSON.parse(line) as ChildReport);
    });
    void exited.then(() => reject(new Error(`child exited before reporting: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return report;
}

describe('killing the process', () => {
  it('loses nothing, flushed or not', async () => {
    const dir = logs.dir();
    const report = await appendAndKill(dir, { config: {}, flushedBatches: 5, unflushedBatches: 5 });
    expect(report).toMatchObject({ logEndOffset: '20', recoveryPoint: '10' });

    const log = await logs.open({}, dir);
    expect(log.logEndOffset).toBe(20n);
    expect(readAllRecords(log)).toHaveLength(20);
  });
});
