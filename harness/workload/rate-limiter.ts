import { sleep } from '../wait.js';

/**
 * Hands out evenly spaced start times for operations at `perSecond`. Callers that are late (all
 * workers busy) do not get a burst to catch up: a stalled cluster lowers the offered load, as a
 * real client's would.
 */
export class RateLimiter {
  private next = 0;
  private readonly interval: number;

  constructor(perSecond: number) {
    this.interval = 1000 / perSecond;
  }

  async take(signal?: AbortSignal): Promise<boolean> {
    const now = performance.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.interval;
    const wait = slot - now;
    if (wait > 0) await sleep(wait, signal);
    return !signal?.aborted;
  }
}
