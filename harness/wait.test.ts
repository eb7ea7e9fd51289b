import { describe, expect, it } from 'vitest';
import { pollUntil, sleep } from './wait.js';

describe('pollUntil', () => {
  it('returns true once the check holds, false when time runs out', async () => {
    let calls = 0;
    expect(await pollUntil(() => ++calls === 3, { timeoutMs: 1000, intervalMs: 1 })).toBe(true);
    expect(calls).toBe(3);
    expect(await pollUntil(() => false, { timeoutMs: 20, intervalMs: 5 })).toBe(false);
  });

  it('retries a check that throws when told to, and ends on one otherwise', async () => {
    const seen: unknown[] = [];
    let calls = 0;
    const check = () => {
      if (++calls < 3) throw new Error(`not yet ${calls}`);
      return true;
    };
    expect(await pollUntil(check, { timeoutMs: 1000, intervalMs: 1, onError: (e) => seen.push((e as Error).message) })).toBe(true);
    expect(seen).toEqual(['not yet 1', 'not yet 2']);
    await expect(pollUntil(() => Promise.reject(new Error('broken')), { timeoutMs: 1000 })).rejects.toThrow('broken');
  });

  it('stops early on abort, and so does sleep', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 10);
    expect(await pollUntil(() => false, { timeoutMs: 10_000, intervalMs: 5_000, signal: abort.signal })).toBe(false);
    await sleep(10_000, abort.signal);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
