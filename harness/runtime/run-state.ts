import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../provision/cache.js';
import { detachMountsUnder } from './mounts.js';
import { isSameProcess } from './proc.js';

/**
 * What a harness process has started, written to disk so that someone else can clean up after it:
 * its reaper when it dies, or the next harness run if the reaper died too.
 *
 * The file can lag behind (a harness killed between starting a child and writing the file), so two
 * marks that need no file back it up: every process a run starts carries KAFKA_CHAOS_RUN_ID=<run id>
 * in its environment (inherited by whatever it starts in turn), and every temp dir of a run is
 * named kafka-chaos-<run id>-*. A run id is <harness pid>-<its start time>, so whether its harness
 * is still alive can be told from the id alone.
 */
export interface RunState {
  runId: string;
  harness: { pid: number; startTime: number };
  children: { pid: number; startTime: number; name: string }[];
  tempDirs: string[];
  /** Set once the run creates Docker containers or networks (labelled with runId; see docker/labels.ts). */
  docker?: boolean;
}

/** The environment variable that marks every process a run starts. */
export const RUN_ID_ENV = 'KAFKA_CHAOS_RUN_ID';
const RUN_ID = /^(\d+)-(\d+)$/;
const TEMP_DIR = /^kafka-chaos-(\d+-\d+)-/;

export function runStateDir(): string {
  return cacheDir('runs');
}

/** The prefix of every temp dir of a run (mkdtemp adds a random suffix). */
export function runTempDirPrefix(runId: string, purpose: string): string {
  return join(tmpdir(), `kafka-chaos-${runId}-${purpose}-`);
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

/** Whether the harness process a run id names is still running. */
export function isRunAlive(runId: string): boolean {
  const match = RUN_ID.exec(runId);
  return match !== null && isSameProcess(Number(match[1]), Number(match[2]));
}

/** The run id in a process's initial environment, if a harness started it. */
function runIdOf(pid: number): string | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const entry = environ.split('\0').find((e) => e.startsWith(`${RUN_ID_ENV}=`));
    return entry?.slice(RUN_ID_ENV.length + 1);
  } catch {
    return undefined;
  }
}

/** Every live process started (directly or not) by harness runs, by run id. */
export function processesByRun(): Map<string, number[]> {
  const byRun = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byRun;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const runId = runIdOf(pid);
    if (runId === undefined) continue;
    byRun.set(runId, [...(byRun.get(runId) ?? []), pid]);
  }
  return byRun;
}

function killGroupOrProcess(pid: number): void {
  try {
    // Children run in their own process group: take the group, so nothing they forked survives.
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Kills what a run started (only processes that are still the ones it started, and any process
 * carrying its run id) and removes its temp dirs, recorded or named after it.
 */
export function reapRun(state: RunState, marked: readonly number[] = processesByRun().get(state.runId) ?? []): { killed: number } {
  let killed = 0;
  for (const child of state.children) {
    if (isSameProcess(child.pid, child.startTime)) {
      killGroupOrProcess(child.pid);
      killed++;
    }
  }
  for (const pid of marked) {
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      /* gone with its group */
    }
  }
  for (const dir of [...state.tempDirs, ...tempDirsOfRun(state.runId)]) removeTempDir(dir);
  return { killed };
}

/** Removes a run's temp dir, detaching first what is mounted in it (a data dir on the unsynced filesystem). */
export function removeTempDir(dir: string): void {
  detachMountsUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}

function tempDirsOfRun(runId: string): string[] {
  try {
    return readdirSync(tmpdir())
      .filter((name) => TEMP_DIR.exec(name)?.[1] === runId)
      .map((name) => join(tmpdir(), name));
  } catch {
    return [];
  }
}

/** Cleans up after earlier harness processes that died without doing so themselves. */
export function sweepAbandonedRuns(): { runs: number; killed: number } {
  const dir = runStateDir();
  const marked = processesByRun();
  const swept = new Set<string>();
  let killed = 0;
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      const file = join(dir, name);
      const state = readRunState(file);
      if (state && isSameProcess(state.harness.pid, state.harness.startTime)) continue;
      if (state) {
        killed += reapRun(state, marked.get(state.runId)).killed;
        swept.add(state.runId);
      }
      rmSync(file, { force: true });
    }
  }
  // Runs whose harness died before it could write its file: found by their marks alone.
  const orphans = new Set<string>([...marked.keys()]);
  try {
    for (const name of readdirSync(tmpdir())) {
      const runId = TEMP_DIR.exec(name)?.[1];
      if (runId !== undefined) orphans.add(runId);
    }
  } catch {
    /* no temp dir to look at */
  }
  for (const runId of orphans) {
    if (swept.has(runId) || isRunAlive(runId)) continue;
    killed += reapRun({ runId, harness: { pid: 0, startTime: 0 }, children: [], tempDirs: [] }, marked.get(runId)).killed;
    swept.add(runId);
  }
  return { runs: swept.size, killed };
}
