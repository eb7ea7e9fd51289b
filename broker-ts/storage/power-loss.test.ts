// A child process appends and is killed with SIGKILL. With unflushedInMemory, what it had not
// flushed must be gone, as after a power loss; without it, the page cache keeps everything.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogConfig } from './log-config.js';
import { appendBatches, logFixture, readAllRecords } from './test-support/log-fixture.js';

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

describe('dropping the log without closing it', () => {
  it('with unflushedInMemory, keeps unflushed appends readable until then and loses them after', async () => {
    const dir = logs.dir();
    const log = await logs.open({ config: { unflushedInMemory: true } }, dir);
    appendBatches(log, 3, 2);
    await log.flush();
    appendBatches(log, 3, 2, 0, 3);
    expect(readAllRecords(log)).toHaveLength(12);
    expect(fs.statSync(path.join(dir, '00000000000000000000.log')).size).toBeLessThan(log.size);
    await log.discard();

    const reopened = await logs.open({}, dir);
    expect(reopened.logEndOffset).toBe(6n);
    expect(readAllRecords(reopened).at(-1)?.value).toBe('b2-r1');
  });
});

describe('killing the process', () => {
  it('with unflushedInMemory, loses exactly what was not flushed', async () => {
    const dir = logs.dir();
    const report = await appendAndKill(dir, { config: { unflushedInMemory: true }, flushedBatches: 5, unflushedBatches: 5 });
    expect(report).toMatchObject({ logEndOffset: '20', recoveryPoint: '10', readable: 20 });

    const log = await logs.open({}, dir);
    expect(log.logEndOffset).toBe(10n);
    expect(readAllRecords(log).map((r) => r.value)).toEqual(Array.from({ length: 10 }, (_, i) => `b${Math.floor(i / 2)}-r${i % 2}`));
  });

  it('without it, loses nothing', async () => {
    const dir = logs.dir();
    const report = await appendAndKill(dir, { config: {}, flushedBatches: 5, unflushedBatches: 5 });
    expect(report).toMatchObject({ logEndOffset: '20', recoveryPoint: '10' });

    const log = await logs.open({}, dir);
    expect(log.logEndOffset).toBe(20n);
    expect(readAllRecords(log)).toHaveLength(20);
  });

  it('with unflushedInMemory and flush.messages=1, keeps every acknowledged append', async () => {
    const dir = logs.dir();
    await appendAndKill(dir, { config: { unflushedInMemory: true, flushIntervalMessages: 1 }, flushedBatches: 0, unflushedBatches: 8 });
    const log = await logs.open({}, dir);
    expect(log.logEndOffset).toBe(16n);
  });

  it('with unflushedInMemory, keeps the segments a roll flushed', async () => {
    const dir = logs.dir();
    const report = await appendAndKill(dir, { config: { unflushedInMemory: true, segmentBytes: 400 }, flushedBatches: 0, unflushedBatches: 12 });
    expect(BigInt(report.lastSegmentBase)).toBeGreaterThan(0n);
    const log = await logs.open({ config: { segmentBytes: 400 } }, dir);
    expect(log.logEndOffset).toBe(BigInt(report.lastSegmentBase));
    expect(readAllRecords(log)).toHaveLength(Number(report.lastSegmentBase));
  });
});
