// Waiting, written once: a sleep that an abort cuts short, and a poll that calls a check until it
// holds or time runs out. Every wait of the harness (a cluster getting ready, a group catching up,
// a fault's effect showing) is one of these.

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PollOptions {
  timeoutMs: number;
  /** Between two checks (default 100 ms). */
  intervalMs?: number;
  /**
   * A check that throws counts as "not yet", after this sees the error (to keep it for a message,
   * or to rethrow what must not be retried). Without it, the error ends the wait.
   */
  onError?: (err: unknown) => void;
  /** Stops waiting early (the wait then returns false). */
  signal?: AbortSignal;
}

/** Calls `check` until it returns true (then true) or the time is up (then false); the last check runs at the deadline. */
export async function pollUntil(check: () => boolean | Promise<boolean>, options: PollOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch (err) {
      if (options.onError === undefined) throw err;
      options.onError(err);
    }
    const left = deadline - Date.now();
    if (left <= 0 || options.signal?.aborted) return false;
    await sleep(Math.min(options.intervalMs ?? 100, left), options.signal);
  }
}
