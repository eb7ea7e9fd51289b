// The proof that a frozen client woke up: a real child process stopped with SIGSTOP, then sent
// SIGCONT, as the zombie-pipeline fault does with a pipeline worker.
import { describe, expect, it } from 'vitest';
import { processState } from '../runtime/proc.js';
import { supervisor } from '../runtime/supervisor.js';
import { pollUntil } from '../wait.js';
import { FaultNotProven, clientProcessResumed } from './evidence.js';

/** A shell that stops itself, then (once continued) exits with `status` or keeps running. */
async function frozenChild(afterThaw: string) {
  const proc = supervisor().spawn('frozen-child', 'sh', ['-c', `kill -STOP $$; ${afterThaw}`]);
  expect(await pollUntil(() => processState(proc.pid) === 'T', { timeoutMs: 5000, intervalMs: 10 })).toBe(true);
  return proc;
}

describe('clientProcessResumed', () => {
  it('counts a process that runs again after SIGCONT', async () => {
    const proc = await frozenChild('sleep 30');
    proc.signal('SIGCONT');
    expect(await clientProcessResumed('child', proc, 3)).toBe(`child: pid ${proc.pid} running`);
    proc.kill();
  });

  it('counts one that has already exited with the status it can only reach by running', async () => {
    const proc = await frozenChild('exit 3');
    proc.signal('SIGCONT');
    await proc.exited;
    expect(await clientProcessResumed('child', proc, 3)).toBe(`child: pid ${proc.pid} resumed, then exited with status 3`);
  });

  it('does not count one gone with another status, or one still stopped', async () => {
    const other = await frozenChild('exit 0');
    other.signal('SIGCONT');
    await other.exited;
    await expect(clientProcessResumed('child', other, 3)).rejects.toThrow(/gone with status 0, not running/);
    const stopped = await frozenChild('exit 3');
    await expect(clientProcessResumed('child', stopped, 3, 300)).rejects.toThrow(FaultNotProven);
    stopped.kill();
  });
});
