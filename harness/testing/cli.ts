import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../runtime/supervisor.js';

export const CLI = join(REPO_ROOT, 'bin', 'kafka-chaos.js');

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line that matches. */
  line: (pattern: RegExp, timeoutMs: number) => Promise<string>;
}

// A test that fails before it stops its CLI (a `cluster up`, say) must not leave that harness and
// its cluster running once the test process is gone: they get the SIGTERM a user's Ctrl-C would be.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** Runs `kafka-chaos` as a user would, in its own process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const line = out.split('\n').find((l) => w.pattern.test(l));
      if (line) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    line: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const existing = out.split('\n').find((l) => pattern.test(l));
        if (existing) return resolve(existing);
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr:\n${err.slice(-3000)}`)), timeoutMs);
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exit.then(() => reject(new Error(`CLI exited before printing ${pattern}; stderr:\n${err.slice(-3000)}`)));
      }),
  };
}
