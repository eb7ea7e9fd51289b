import { execFileSync } from 'node:child_process';
import { processState } from '../runtime/proc.js';
import { sleep } from '../wait.js';

/** True once none of the pids is alive (zombies count as gone), polling up to `timeoutMs`. */
export async function allGone(pids: number[], timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((p) => {
      const s = processState(p);
      return s !== undefined && s !== 'Z';
    });
    if (alive.length === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

/** Descendant pids of `pid` (children, grandchildren...), read from ps. */
export function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [c, p] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(p, [...(children.get(p) ?? []), c]);
  }
  const result: number[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      result.push(c);
      stack.push(c);
    }
  }
  return result;
}
