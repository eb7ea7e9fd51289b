import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidProducerEpochError, OutOfOrderSequenceError } from './errors.js';
import type { PartitionLog, PartitionLogOptions } from './partition-log.js';
import { logFixture } from './test-support/log-fixture.js';
import { DEFAULT_BASE_TIMESTAMP, buildBatch } from './test-support/record-batches.js';

const logs = logFixture();
afterEach(() => logs.cleanup());

const PID = 4242n;

function produce(log: PartitionLog, baseSequence: number, records = 2, producerEpoch = 0, producerId = PID) {
  return log.appendAsLeader(buildBatch({ records, producerId, producerEpoch, baseSequence }), 1);
}

describe('idempotent producer state', () => {
  it('answers a retried batch with its original offsets and appends nothing', async () => {
    const log = await logs.open();
    for (let i = 0; i < 6; i++) produce(log, i * 2);
    const end = log.logEndOffset;
    const size = log.size;

    for (let i = 1; i < 6; i++) {
      const retry = produce(log, i * 2);
      expect(retry).toMatchObject({ duplicate: true, baseOffset: BigInt(i * 2), lastOffset: BigInt(i * 2 + 1) });
    }
    expect(log.logEndOffset).toBe(end);
    expect(log.size).toBe(size);
    // Only the last five batches are remembered: the first one is now simply out of order.
    expect(() => produce(log, 0)).toThrow(OutOfOrderSequenceError);
    expect(log.producerState(PID)?.batches.map((b) => b.lastSeq)).toEqual([3, 5, 7, 9, 11]);
  });

  it('rejects a sequence gap or a rewind with OUT_OF_ORDER_SEQUENCE_NUMBER and stores nothing', async () => {
    const log = await logs.open();
    produce(log, 0);
    let error: unknown;
    try {
      produce(log, 5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfOrderSequenceError);
    expect((error as OutOfOrderSequenceError).errorCode).toBe(45);
    expect(() => produce(log, 1)).toThrow(OutOfOrderSequenceError);
    const twoBatches = Buffer.concat([
      buildBatch({ records: 2, producerId: PID, producerEpoch: 0, baseSequence: 2 }),
      buildBatch({ records: 2, producerId: PID, producerEpoch: 0, baseSequence: 5 }),
    ]);
    expect(() => log.appendAsLeader(twoBatches, 1)).toThrow(OutOfOrderSequenceError);
    expect(log.logEndOffset).toBe(2n);
    expect(produce(log, 2).baseOffset).toBe(2n);
  });

  it('fences older epochs and requires a new epoch to start at sequence 0', async () => {
    const log = await logs.open();
    produce(log, 0, 2, 3);
    produce(log, 2, 2, 3);
    expect(() => produce(log, 4, 2, 2)).toThrow(InvalidProducerEpochError);
    expect(() => produce(log, 4, 2, 4)).toThrow(OutOfOrderSequenceError);
    expect(produce(log, 0, 2, 4).baseOffset).toBe(4n);
    expect(log.producerState(PID)).toMatchObject({ producerEpoch: 4, batches: [{ lastSeq: 1 }] });
    // The old epoch's batches no longer count as duplicates.
    expect(() => produce(log, 2, 2, 3)).toThrow(InvalidProducerEpochError);
  });

  it('accepts a producer it has no state for at any sequence, as current Kafka does', async () => {
    const log = await logs.open();
    expect(produce(log, 77).baseOffset).toBe(0n);
    expect(produce(log, 79).baseOffset).toBe(2n);
    expect(() => produce(log, 77 + 10)).toThrow(OutOfOrderSequenceError);
  });

  it('wraps sequences at Integer.MAX_VALUE', async () => {
    const log = await logs.open();
    const max = 0x7fffffff;
    produce(log, max - 2, 2);
    produce(log, max, 3);
    expect(log.producerState(PID)?.batches.at(-1)?.lastSeq).toBe(1);
    expect(produce(log, max, 3)).toMatchObject({ duplicate: true, baseOffset: 2n });
    expect(produce(log, 2, 1).baseOffset).toBe(5n);
  });

  it('keeps producers apart and leaves non-idempotent batches alone', async () => {
    const log = await logs.open();
    produce(log, 0, 1, 0, 1n);
    produce(log, 0, 1, 0, 2n);
    log.appendAsLeader(buildBatch({ records: 1 }), 1);
    log.appendAsLeader(buildBatch({ records: 1 }), 1);
    expect(produce(log, 1, 1, 0, 1n).baseOffset).toBe(4n);
    expect(produce(log, 0, 1, 0, 2n)).toMatchObject({ duplicate: true, baseOffset: 1n });
    expect(log.producerStates()).toHaveLength(2);
  });
});

describe('producer state across restarts and truncation', () => {
  // The clock matches the batch timestamps: producers idle for a day would be expired on load.
  const options: PartitionLogOptions = { config: { segmentBytes: 600 }, now: () => Number(DEFAULT_BASE_TIMESTAMP) + 60_000 };

  async function produceTwelve(dir: string): Promise<PartitionLog> {
    const log = await logs.open(options, dir);
    for (let i = 0; i < 12; i++) {
      produce(log, i * 2, 2, 1);
      produce(log, i, 1, 0, 7n);
    }
    return log;
  }

  it('is rebuilt from the log after a crash', async () => {
    const dir = logs.dir();
    const log = await produceTwelve(dir);
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(2);
    await log.discard();
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.snapshot')) fs.rmSync(`${dir}/${name}`);

    const reopened = await logs.open(options, dir);
    expect(produce(reopened, 22, 2, 1)).toMatchObject({ duplicate: true, baseOffset: 33n });
    expect(produce(reopened, 14, 2, 1)).toMatchObject({ duplicate: true, baseOffset: 21n });
    expect(() => produce(reopened, 30, 2, 1)).toThrow(OutOfOrderSequenceError);
    expect(produce(reopened, 12, 1, 0, 7n).baseOffset).toBe(36n);
  });

  it('is restored from snapshots after a roll and after a clean close', async () => {
    const dir = logs.dir();
    const log = await produceTwelve(dir);
    await log.close();
    const snapshots = fs.readdirSync(dir).filter((name) => name.endsWith('.snapshot'));
    expect(snapshots).toContain('00000000000000000036.snapshot');
    expect(snapshots.length).toBeGreaterThan(1);

    const reopened = await logs.open(options, dir);
    expect(produce(reopened, 22, 2, 1)).toMatchObject({ duplicate: true, baseOffset: 33n });
    expect(produce(reopened, 24, 2, 1).baseOffset).toBe(36n);
    expect(reopened.producerState(7n)?.batches.at(-1)?.lastSeq).toBe(11);
  });

  it('keeps only the snapshots at segment starts and the latest one across restarts', async () => {
    const dir = logs.dir();
    let log = await produceTwelve(dir);
    const bases = log.segmentBaseOffsets();
    for (let restart = 0; restart < 3; restart++) {
      await log.close();
      log = await logs.open(options, dir);
      produce(log, 24 + restart * 2, 2, 1);
    }
    await log.close();
    const snapshots = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.snapshot'))
      .map((name) => BigInt(name.slice(0, 20)));
    expect(snapshots.filter((offset) => !bases.includes(offset))).toEqual([log.logEndOffset - 2n, log.logEndOffset]);
  });

  it('ignores a corrupt snapshot and replays from an older one', async () => {
    const dir = logs.dir();
    const log = await produceTwelve(dir);
    await log.close();
    fs.writeFileSync(`${dir}/00000000000000000036.snapshot`, Buffer.from('not a snapshot'));
    const reopened = await logs.open(options, dir);
    expect(produce(reopened, 22, 2, 1)).toMatchObject({ duplicate: true, baseOffset: 33n });
    expect(fs.existsSync(`${dir}/00000000000000000036.snapshot`)).toBe(false);
  });

  it('forgets batches removed by truncation', async () => {
    const dir = logs.dir();
    const log = await produceTwelve(dir);
    log.truncateTo(33n);
    expect(log.producerState(PID)?.batches.at(-1)?.lastSeq).toBe(21);
    const retried = produce(log, 22, 2, 1);
    expect(retried).toMatchObject({ duplicate: false, baseOffset: 33n });
  });

  it('expires idle producers after producer.id.expiration.ms', async () => {
    let now = Number(DEFAULT_BASE_TIMESTAMP);
    const log = await logs.open({ config: { producerIdExpirationMs: 1000 }, now: () => now });
    produce(log, 0);
    log.removeExpiredProducers();
    expect(log.producerState(PID)).toBeDefined();
    now += 2000;
    log.removeExpiredProducers();
    expect(log.producerState(PID)).toBeUndefined();
    expect(produce(log, 40).duplicate).toBe(false);
  });
});
