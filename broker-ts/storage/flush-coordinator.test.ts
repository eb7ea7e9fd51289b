import { describe, expect, it, vi } from 'vitest';
import { FlushCoordinator } from './flush-coordinator.js';
import type { FlushTarget } from './flush-coordinator.js';

/** A log whose flushes complete only when the test says so. */
function fakeLog(recoveryPoint = 0n) {
  const state = { logEnd: recoveryPoint, advanced: [] as bigint[], flushes: [] as { upTo: FlushTarget; target: bigint; finish: () => void }[] };
  const coordinator = new FlushCoordinator(
    {
      logEndOffset: () => state.logEnd,
      flush: (upTo, target) => new Promise<void>((resolve) => state.flushes.push({ upTo, target, finish: resolve })),
      recoveryPointAdvanced: (offset) => state.advanced.push(offset),
    },
    recoveryPoint,
  );
  return { state, coordinator };
}

describe('FlushCoordinator', () => {
  it('runs one flush at a time and merges the requests made meanwhile', async () => {
    const { state, coordinator } = fakeLog();
    state.logEnd = 10n;
    const first = coordinator.request('end');
    state.logEnd = 20n;
    const second = coordinator.request(15n);
    const third = coordinator.request('end');
    expect(third).toBe(second);
    expect(state.flushes.map((f) => f.target)).toEqual([10n]);
    expect(coordinator.flushedOrRequestedUpTo).toBe(20n);

    state.flushes[0]!.finish();
    await first;
    expect(coordinator.recoveryPoint).toBe(10n);
    state.logEnd = 25n;
    await vi.waitFor(() => expect(state.flushes).toHaveLength(2));
    expect(state.flushes.map((f) => [f.upTo, f.target])).toEqual([
      ['end', 10n],
      ['end', 25n],
    ]);
    state.flushes[1]!.finish();
    await second;
    expect(coordinator.recoveryPoint).toBe(25n);
    expect(state.advanced).toEqual([10n, 25n]);
  });

  it('caps a running flush at a truncation made during it', async () => {
    const { state, coordinator } = fakeLog();
    state.logEnd = 50n;
    const flushed = coordinator.request('end');
    expect(coordinator.covering(30n)).toBe(flushed);
    expect(coordinator.truncatedTo(20n)).toBe(false);
    state.logEnd = 60n;
    state.flushes[0]!.finish();
    await flushed;
    expect(coordinator.recoveryPoint).toBe(20n);
    expect(coordinator.covering(30n)).toBeUndefined();
    expect(coordinator.truncatedTo(10n)).toBe(true);
    expect(coordinator.recoveryPoint).toBe(10n);
  });

  it('does not let a flush from before a restart move the recovery point', async () => {
    const { state, coordinator } = fakeLog();
    state.logEnd = 50n;
    const flushed = coordinator.request('end');
    coordinator.restartedAt(1000n);
    state.logEnd = 1000n;
    state.flushes[0]!.finish();
    await flushed;
    expect(coordinator.recoveryPoint).toBe(1000n);
    expect(state.advanced).toEqual([]);
  });
});
