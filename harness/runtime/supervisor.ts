import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log } from '../log.js';
import { processStartTime } from './proc.js';
import { RUN_ID_ENV, removeTempDir, runStateDir, runTempDirPrefix, sweepAbandonedRuns, writeRunState, type RunState } from './run-state.js';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process of the harness: a broker node, a toxiproxy server, a client worker. */
export class ManagedProcess {
  readonly exited: Promise<ExitStatus>;
  /** The child's stdout, when it was spawned with `pipeStdout`. */
  readonly stdoutStream: Readable | undefined;
  private status: ExitStatus | undefined;

  constructor(
    readonly name: string,
    readonly pid: number,
    readonly startTime: number,
    readonly logFile: string | undefined,
    child: ChildProcess,
  ) {
    this.stdoutStream = child.stdout ?? undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.status = { code, signal };
        resolve(this.status);
      });
    });
  }

  get running(): boolean {
    return this.status === undefined;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      /* exited between the check and the signal */
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ExitStatus> {
    if (!this.running) return this.status!;
    this.signal('SIGCONT'); // a paused process cannot act on SIGTERM
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }

  kill(): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      this.signal('SIGKILL');
    }
  }
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here; omitted means discarded. */
  logFile?: string;
  /** Pipe stdout to the harness instead of the log file (e.g. tools that print JSON lines). */
  pipeStdout?: boolean;
}

const requireHere = createRequire(import.meta.url);

/** `node` arguments that run a TypeScript entry point of this repository. */
export function tsNodeArgs(script: string): string[] {
  return ['--import', pathToFileURL(requireHere.resolve('tsx')).href, script];
}

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Owns every process and temp dir this harness process creates. Children get their own process
 * group, so a Ctrl-C in the terminal reaches only the harness, which then stops them in order.
 * A detached reaper watches the harness and cleans up if it dies without doing so.
 */
export class Supervisor {
  private readonly stateFile: string;
  private readonly state: RunState;
  private readonly processes = new Set<ManagedProcess>();
  private readonly dockerCleanups = new Set<() => Promise<void>>();
  private reaperStarted = false;

  constructor() {
    const pid = process.pid;
    const startTime = processStartTime(pid) ?? 0;
    const runId = `${pid}-${startTime}`;
    this.stateFile = join(runStateDir(), `${runId}.json`);
    this.state = { runId, harness: { pid, startTime }, children: [], tempDirs: [] };
    // Every process started from now on carries the run id, even one started between a spawn and
    // the write of the run file, so a reaper or a later sweep finds it (see run-state.ts).
    process.env[RUN_ID_ENV] = runId;
  }

  private persist(): void {
    writeRunState(this.stateFile, this.state);
    if (!this.reaperStarted) {
      this.reaperStarted = true;
      // Unmarked: the reaper is not part of the run it cleans up after.
      const { [RUN_ID_ENV]: _runId, ...env } = process.env;
      const reaper = spawn(process.execPath, tsNodeArgs(join(REPO_ROOT, 'harness/runtime/reaper.ts')).concat(this.stateFile), {
        detached: true,
        stdio: 'ignore',
        env,
      });
      reaper.unref();
    }
  }

  /** Names this harness process in run files and in the labels of its Docker objects. */
  get runId(): string {
    return this.state.runId;
  }

  get harness(): { pid: number; startTime: number } {
    return this.state.harness;
  }

  /**
   * The run creates Docker objects labelled with its run id: `cleanup` removes them on shutdown,
   * and the reaper removes them by label if this process dies first.
   */
  trackDocker(cleanup: () => Promise<void>): () => void {
    this.dockerCleanups.add(cleanup);
    if (!this.state.docker) {
      this.state.docker = true;
      this.persist();
    }
    return () => this.dockerCleanups.delete(cleanup);
  }

  /** A fresh directory under the system temp folder, removed when the run ends. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(runTempDirPrefix(this.state.runId, prefix));
    this.state.tempDirs.push(dir);
    this.persist();
    return dir;
  }

  spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
    const out = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), [RUN_ID_ENV]: this.state.runId },
      detached: true,
      stdio: ['ignore', options.pipeStdout ? 'pipe' : out, out],
    });
    if (typeof out === 'number') closeSync(out);
    if (child.pid === undefined) {
      throw new Error(`could not start ${name} (${command})`);
    }
    const pid = child.pid;
    const managed = new ManagedProcess(name, pid, processStartTime(pid) ?? 0, options.logFile, child);
    this.processes.add(managed);
    this.state.children.push({ pid, startTime: managed.startTime, name });
    this.persist();
    void managed.exited.then(() => {
      this.processes.delete(managed);
      this.state.children = this.state.children.filter((c) => c.pid !== pid);
      this.persist();
    });
    child.on('error', (err) => log.error({ err, name }, 'child process error'));
    return managed;
  }

  /** Kills every remaining child, removes the run's containers and networks, and the temp dirs. */
  async shutdown(): Promise<void> {
    for (const cleanup of [...this.dockerCleanups]) {
      await cleanup().catch((err: unknown) => log.warn({ err }, 'could not remove the containers of this run'));
    }
    this.dockerCleanups.clear();
    const running = [...this.processes];
    for (const p of running) p.kill();
    await Promise.all(running.map((p) => p.exited));
    for (const dir of this.state.tempDirs) removeTempDir(dir);
    this.state.tempDirs = [];
    this.state.children = [];
    // Deleting the run file tells the reaper that nothing is left to do.
    rmSync(this.stateFile, { force: true });
    this.reaperStarted = false;
  }

  forgetTempDir(dir: string): void {
    removeTempDir(dir);
    this.state.tempDirs = this.state.tempDirs.filter((d) => d !== dir);
    this.persist();
  }
}

let current: Supervisor | undefined;

/** The supervisor of this harness process; the first call also sweeps up after dead runs. */
export function supervisor(): Supervisor {
  if (!current) {
    const swept = sweepAbandonedRuns();
    if (swept.runs > 0) log.warn(swept, 'cleaned up after earlier runs that were killed');
    current = new Supervisor();
  }
  return current;
}
