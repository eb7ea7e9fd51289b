// Started detached by every harness process. When the harness is gone (finished, crashed or killed
// with SIGKILL), this kills whatever the run file still lists, removes the run's Docker containers
// and networks, and its temp dirs. A harness that ends normally cleans up itself and deletes the
// run file, which tells the reaper to leave.
import { existsSync, rmSync } from 'node:fs';
import { isSameProcess } from './proc.js';
import { readRunState, reapRun, type RunState } from './run-state.js';

const file = process.argv[2];
if (!file) process.exit(2);
const first = readRunState(file);
if (!first) process.exit(0);
const { pid, startTime } = first.harness;

/** Containers first: their data dirs are bind mounts of the temp dirs that reapRun removes. */
async function reapDocker(state: RunState): Promise<void> {
  if (!state.docker) return;
  try {
    const { dockerEngine } = await import('./docker/engine.js');
    const { removeRun } = await import('./docker/cleanup.js');
    await removeRun((await dockerEngine()).docker, state.runId);
  } catch {
    /* no engine: nothing of the run can be left in it; otherwise the next docker run sweeps */
  }
}

let reaping = false;
const timer = setInterval(() => {
  if (reaping) return;
  if (!existsSync(file)) {
    clearInterval(timer);
    return;
  }
  if (isSameProcess(pid, startTime)) return;
  reaping = true;
  const state = readRunState(file) ?? first;
  void reapDocker(state).finally(() => {
    reapRun(state);
    rmSync(file, { force: true });
    clearInterval(timer);
  });
}, 200);

// The reaper must outlive a Ctrl-C or SIGTERM aimed at the harness's process group.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('SIGHUP', () => {});
