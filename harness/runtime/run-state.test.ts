import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allGone } from '../testing/processes.js';
import { processStartTime } from './proc.js';
import { runStateDir, sweepAbandonedRuns, writeRunState } from './run-state.js';

describe('sweeping runs whose harness died', () => {
  it('kills the children and removes the temp dirs of a dead harness, and leaves live runs alone', async () => {
    // A "harness" that is already gone, and a child it left behind in its own process group.
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    const orphan = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const tempDir = mkdtempSync(join(tmpdir(), 'kafka-chaos-sweep-test-'));
    mkdirSync(runStateDir(), { recursive: true });
    const abandoned = join(runStateDir(), `test-abandoned-${process.pid}.json`);
    writeRunState(abandoned, {
      runId: 'abandoned',
      harness: { pid: dead.pid!, startTime: 1 },
      children: [{ pid: orphan.pid!, startTime: processStartTime(orphan.pid!)!, name: 'sleep' }],
      tempDirs: [tempDir],
    });
    // This test process is alive: its run must survive the sweep.
    const alive = join(runStateDir(), `test-alive-${process.pid}.json`);
    writeRunState(alive, { runId: 'alive', harness: { pid: process.pid, startTime: processStartTime(process.pid)! }, children: [], tempDirs: [] });
    try {
      const swept = sweepAbandonedRuns();
      expect(swept.killed).toBeGreaterThanOrEqual(1);
      expect(await allGone([orphan.pid!], 5000)).toBe(true);
      expect(existsSync(tempDir)).toBe(false);
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(alive)).toBe(true);
    } finally {
      orphan.kill('SIGKILL');
      rmSync(alive, { force: true });
      rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it('never signals a process whose pid was reused (start time differs)', async () => {
    const stranger = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    const file = join(runStateDir(), `test-reused-${process.pid}.json`);
    writeRunState(file, {
      runId: 'reused',
      harness: { pid: 999_999_999, startTime: 1 },
      children: [{ pid: stranger.pid!, startTime: processStartTime(stranger.pid!)! - 1, name: 'not ours' }],
      tempDirs: [],
    });
    try {
      sweepAbandonedRuns();
      expect(await allGone([stranger.pid!], 500)).toBe(false);
    } finally {
      stranger.kill('SIGKILL');
      rmSync(file, { force: true });
    }
  });
});
