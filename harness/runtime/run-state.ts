import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../provision/cache.js';
import { isSameProcess } from './proc.js';

/**
 * What a harness process has started, written to disk so that someone else can clean up after it:
 * its reaper when it dies, or the next harness run if the reaper died too.
 */
export interface RunState {
  runId: string;
  harness: { pid: number; startTime: number };
  children: { pid: number; startTime: number; name: string }[];
  tempDirs: string[];
  /** Set once the run creates Docker containers or networks (labelled with runId; see docker/labels.ts). */
  docker?: boolean;
}

export function runStateDir(): string {
  return cacheDir('runs');
}

export function writeRunState(file: string, state: RunState): void {
  mkdirSync(runStateDir(), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

export function readRunState(file: string): RunState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

/** Kills what a run started (only processes that are still the ones it started) and removes its temp dirs. */
export function reapRun(state: RunState): { killed: number } {
  let killed = 0;
  for (const child of state.children) {
    if (isSameProcess(child.pid, child.startTime)) {
      try {
        // Children run in their own process group: take the group, so nothing they forked survives.
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      killed++;
    }
  }
  for (const dir of state.tempDirs) rmSync(dir, { recursive: true, force: true });
  return { killed };
}

/** Cleans up after earlier harness processes that died without doing so themselves. */
export function sweepAbandonedRuns(): { runs: number; killed: number } {
  const dir = runStateDir();
  if (!existsSync(dir)) return { runs: 0, killed: 0 };
  let runs = 0;
  let killed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    const state = readRunState(file);
    if (state && isSameProcess(state.harness.pid, state.harness.startTime)) continue;
    if (state) {
      killed += reapRun(state).killed;
      runs++;
    }
    rmSync(file, { force: true });
  }
  return { runs, killed };
}
