// Started detached by every harness process. When the harness is gone (finished, crashed or killed
// with SIGKILL), this kills whatever the run file still lists and removes its temp dirs. A harness
// that ends normally cleans up itself and deletes the run file, which tells the reaper to leave.
import { existsSync, rmSync } from 'node:fs';
import { isSameProcess } from './proc.js';
import { readRunState, reapRun } from './run-state.js';

const file = process.argv[2];
if (!file) process.exit(2);
const first = readRunState(file);
if (!first) process.exit(0);
const { pid, startTime } = first.harness;

const timer = setInterval(() => {
  if (!existsSync(file)) {
    clearInterval(timer);
    return;
  }
  if (isSameProcess(pid, startTime)) return;
  const state = readRunState(file) ?? first;
  reapRun(state);
  rmSync(file, { force: true });
  clearInterval(timer);
}, 200);

// The reaper must outlive a Ctrl-C or SIGTERM aimed at the harness's process group.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('SIGHUP', () => {});
