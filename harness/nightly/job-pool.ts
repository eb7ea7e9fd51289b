/**
 * Runs `work` over `jobs` with at most `concurrency` in flight, taking jobs in order as slots free
 * up. Results come back in the order of `jobs`, whatever order they finished in.
 */
export async function runPool<J, R>(jobs: readonly J[], concurrency: number, work: (job: J) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const results = new Array<R>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await work(jobs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}
