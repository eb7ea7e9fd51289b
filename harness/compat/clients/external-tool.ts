import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { supervisor, type ExitStatus } from '../../runtime/supervisor.js';
import { CheckFailed } from '../outcomes.js';
import type { ScenarioContext } from '../context.js';

export interface ToolRun {
  /** Lines of stdout that parse as JSON objects, in order. */
  readonly events: Record<string, unknown>[];
  /** Every stdout line (the log file has stderr too). */
  readonly lines: string[];
  readonly logFile: string;
  readonly exited: Promise<ExitStatus>;
  /** SIGTERM (a clean shutdown for Kafka's tools and kcat), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

/**
 * Starts a client program that no one here wrote (kcat, Kafka's Java tools) as a supervised child:
 * it dies with the harness, and is stopped when the scenario ends. Its stdout is read line by
 * line; stdout and stderr are kept in `<workDir>/<name>.log`.
 */
export function startTool(ctx: ScenarioContext, name: string, command: string, args: string[]): ToolRun {
  const logFile = join(ctx.workDir(), `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`$ ${command} ${args.join(' ')}\n`);
  const child = supervisor().spawn(name, command, args, { logFile, pipeStdout: true });
  const events: Record<string, unknown>[] = [];
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdoutStream! });
  reader.on('line', (line) => {
    lines.push(line);
    log.write(`${line}\n`);
    if (!line.startsWith('{')) return;
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* not JSON after all: kept in the log only */
    }
  });
  const drained = new Promise<void>((resolve) => reader.once('close', () => resolve()));
  const exited = child.exited.then(async (status) => {
    // stdout ends with the process; read what is still buffered before reporting the exit.
    await Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]);
    reader.close();
    // Flushed before the exit is reported: callers read the log file as soon as it is.
    await new Promise<void>((resolve) => log.end(resolve));
    return status;
  });
  ctx.onCleanup(async () => {
    await child.stop(3000);
  });
  return { events, lines, logFile, exited, stop: (graceMs = 5000) => child.stop(graceMs) };
}

/** Runs a tool to its end; a non-zero exit or a run longer than `timeoutMs` fails the scenario. */
export async function runTool(ctx: ScenarioContext, name: string, command: string, args: string[], timeoutMs: number): Promise<ToolRun> {
  const run = startTool(ctx, name, command, args);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([run.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await run.stop(1000);
    throw new CheckFailed(`${name} did not finish within ${timeoutMs / 1000} s (output: ${run.logFile})`);
  }
  if (outcome.code !== 0) throw new CheckFailed(`${name} exited with ${outcome.code ?? outcome.signal} (output: ${run.logFile})`);
  return run;
}
