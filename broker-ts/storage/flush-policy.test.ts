import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logFixture } from './test-support/log-fixture.js';
import { buildBatch } from './test-support/record-batches.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

function checkpointedRecoveryPoint(dir: string): string {
  return fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8');
}

describe('flush policy', () => {
  it('with flush.messages=1, every append waits for an fsync that advances the recovery point', async () => {
    const log = await logs.open({ config: { flushIntervalMessages: 1 } });
    for (let i = 1; i <= 5; i++) {
      const result = log.appendAsLeader(buildBatch({ records: 2 }), 0);
      expect(result.flushed).toBeInstanceOf(Promise);
      expect(log.recoveryPoint).toBeLessThan(log.logEndOffset);
      await result.flushed;
      expect(log.recoveryPoint).toBe(BigInt(2 * i));
    }
    await vi.waitFor(() => expect(checkpointedRecoveryPoint(log.dir)).toBe('0\n1\n10\n'));
  });

  it('with flush.messages=3, asks for a flush once three messages are unflushed', async () => {
    const log = await logs.open({ config: { flushIntervalMessages: 3 } });
    expect(log.appendAsLeader(buildBatch({ records: 1 }), 0).flushed).toBeUndefined();
    expect(log.appendAsLeader(buildBatch({ records: 1 }), 0).flushed).toBeUndefined();
    const third = log.appendAsLeader(buildBatch({ records: 1 }), 0);
    expect(third.flushed).toBeDefined();
    expect(log.appendAsLeader(buildBatch({ records: 2 }), 0).flushed).toBeUndefined();
    await third.flushed;
    expect(log.recoveryPoint).toBe(3n);
    expect(log.appendAsLeader(buildBatch({ records: 1 }), 0).flushed).toBeDefined();
  });

  it('by default leaves flushing to the OS, except for segments finished by a roll', async () => {
    const log = await logs.open({ config: { segmentBytes: 400 } });
    const first = log.appendAsLeader(buildBatch({ records: 2 }), 0);
    expect(first.flushed).toBeUndefined();
    for (let i = 0; i < 6; i++) log.appendAsLeader(buildBatch({ records: 2 }), 0);
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(1);
    const lastBase = log.segmentBaseOffsets().at(-1)!;
    await vi.waitFor(() => expect(log.recoveryPoint).toBe(lastBase));
    expect(log.recoveryPoint).toBeLessThan(log.logEndOffset);
  });

  it('with flush.ms, flushes periodically', async () => {
    const log = await logs.open({ config: { flushIntervalMs: 20 } });
    log.appendAsLeader(buildBatch({ records: 3 }), 0);
    expect(log.recoveryPoint).toBe(0n);
    await vi.waitFor(() => expect(log.recoveryPoint).toBe(3n), { timeout: 2000 });
  });

  it('groups flush calls made while one is in flight', async () => {
    const log = await logs.open();
    log.appendAsLeader(buildBatch({ records: 1 }), 0);
    const first = log.flush();
    log.appendAsLeader(buildBatch({ records: 1 }), 0);
    const second = log.flush();
    log.appendAsLeader(buildBatch({ records: 1 }), 0);
    const third = log.flush();
    expect(third).toBe(second);
    expect(second).not.toBe(first);
    await first;
    expect(log.recoveryPoint).toBe(1n);
    await third;
    expect(log.recoveryPoint).toBe(3n);
  });

  it('makes a retried idempotent batch wait for the flush of the original', async () => {
    const log = await logs.open({ config: { flushIntervalMessages: 1 } });
    const batch = buildBatch({ records: 2, producerId: 5n, producerEpoch: 0, baseSequence: 0 });
    const original = log.appendAsLeader(batch, 0);
    const retry = log.appendAsLeader(batch, 0);
    expect(retry.duplicate).toBe(true);
    expect(retry.flushed).toBeDefined();
    await retry.flushed;
    expect(log.recoveryPoint).toBe(2n);
    await original.flushed;
    expect(log.appendAsLeader(batch, 0).flushed).toBeUndefined();
  });

  it('keeps a truncation during a flush from overstating the recovery point', async () => {
    const log = await logs.open();
    for (let i = 0; i < 5; i++) log.appendAsLeader(buildBatch({ records: 2 }), 0);
    const flushed = log.flush();
    log.truncateTo(4n);
    log.appendAsLeader(buildBatch({ records: 4 }), 0);
    await flushed;
    expect(log.recoveryPoint).toBe(4n);
  });
});
