import { describe, expect, it } from 'vitest';
import { runPool } from './job-pool.js';

describe('runPool', () => {
  it('never has more jobs in flight than asked, and returns results in job order', async () => {
    let inFlight = 0;
    let most = 0;
    const delays = [30, 5, 20, 1, 15, 2, 8];
    const results = await runPool(delays, 3, async (ms) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return ms * 2;
    });
    expect(most).toBe(3);
    expect(results).toEqual(delays.map((ms) => ms * 2));
  });

  it('a failing job rejects the pool', async () => {
    await expect(
      runPool([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('job 2');
        return n;
      }),
    ).rejects.toThrow('job 2');
  });

  it('refuses a concurrency below one', async () => {
    await expect(runPool([1], 0, async (n) => n)).rejects.toThrow(/positive integer/);
  });
});
