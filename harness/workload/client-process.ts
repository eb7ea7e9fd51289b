import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HarnessError } from '../errors.js';
import { REPO_ROOT, supervisor, tsNodeArgs, type ManagedProcess } from '../runtime/supervisor.js';

/**
 * Starts a client (producer, consumer-group member) in a process of its own, so a fault can kill
 * it, and waits until it prints "ready". `entry` is a TypeScript module of this folder that reads
 * its configuration as JSON from argv[2]. `onLine` sees every other line it prints, from the first.
 */
export async function startClientProcess(
  name: string,
  entry: string,
  config: unknown,
  logFile: string,
  onLine?: (line: string) => void,
): Promise<ManagedProcess> {
  return startCommandProcess(name, process.execPath, [...tsNodeArgs(join(REPO_ROOT, 'harness/workload', entry)), JSON.stringify(config)], logFile, onLine);
}

/** The same for a client that is not one of this folder's modules (the Java consumer member). */
export async function startCommandProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  onLine?: (line: string) => void,
): Promise<ManagedProcess> {
  const proc = supervisor().spawn(name, command, args, { logFile, pipeStdout: true });
  const ready = await new Promise<boolean>((resolve) => {
    createInterface({ input: proc.stdoutStream! }).on('line', (l) => (l === 'ready' ? resolve(true) : onLine?.(l)));
    void proc.exited.then(() => resolve(false));
  });
  if (!ready) throw new HarnessError(`${name} exited during start-up; see ${logFile}`);
  return proc;
}
