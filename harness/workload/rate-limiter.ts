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
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    return !signal?.aborted;
  }
}
