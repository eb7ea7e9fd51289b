import { describe, expect, it } from 'vitest';
import { ControlRecordType, encodeRecordBatch, encodeTransactionMarkerBatch } from '@kafka-chaos/protocol';
import { visibleRecords } from './read-committed.js';

const data = (producerId: bigint, baseOffset: bigint, ...values: string[]) =>
  encodeRecordBatch(
    values.map((value) => ({ value })),
    { baseOffset, producerId, producerEpoch: 0, baseSequence: 0, transactional: producerId >= 0n },
  );
const marker = (producerId: bigint, baseOffset: bigint, type: ControlRecordType) =>
  encodeTransactionMarkerBatch({ type, coordinatorEpoch: 0 }, { producerId, producerEpoch: 0, baseOffset });
const values = (read: ReturnType<typeof visibleRecords>) => read.records.map((r) => `${r.offset}:${r.value?.toString()}`);

// Producer 1's transaction starts first and ends last; producer 2's aborts in between; producer 3
// commits afterwards. Brokers list aborted transactions in marker order: 2 before 1.
const interleaved = Buffer.concat([
  data(1n, 0n, 'p1-aborted'),
  data(2n, 1n, 'p2-aborted'),
  marker(2n, 2n, ControlRecordType.Abort),
  data(1n, 3n, 'p1-aborted-too'),
  marker(1n, 4n, ControlRecordType.Abort),
  data(3n, 5n, 'p3-committed'),
  marker(3n, 6n, ControlRecordType.Commit),
  data(-1n, 7n, 'plain'),
]);
const markerOrder = [
  { producerId: 2n, firstOffset: 1n },
  { producerId: 1n, firstOffset: 0n },
];

describe('read_committed over one fetch response', () => {
  it('drops every aborted transaction when they interleave, whatever the order of the list', () => {
    const read = visibleRecords(interleaved, 0n, 'committed', markerOrder);
    expect(values(read)).toEqual(['5:p3-committed', '7:plain']);
    expect(values(visibleRecords(interleaved, 0n, 'committed', [...markerOrder].reverse()))).toEqual(values(read));
    expect(read.nextOffset).toBe(8n);
  });

  it('returns aborted records when the broker does not list their transaction (how broker.ts.bug.fetch.omits.aborted shows)', () => {
    expect(values(visibleRecords(interleaved, 0n, 'committed', []))).toEqual(['0:p1-aborted', '1:p2-aborted', '3:p1-aborted-too', '5:p3-committed', '7:plain']);
  });

  it('keeps a producer filtered only until its abort marker', () => {
    const log = Buffer.concat([data(1n, 0n, 'a'), marker(1n, 1n, ControlRecordType.Abort), data(1n, 2n, 'b'), marker(1n, 3n, ControlRecordType.Commit)]);
    expect(values(visibleRecords(log, 0n, 'committed', [{ producerId: 1n, firstOffset: 0n }]))).toEqual(['2:b']);
  });

  it('reads everything but markers in read_uncommitted', () => {
    expect(values(visibleRecords(interleaved, 0n, 'uncommitted', null))).toHaveLength(5);
  });

  it('skips the records of the first batch before the fetch offset, and leaves a partial batch at the end for the next fetch', () => {
    const log = Buffer.concat([data(-1n, 0n, 'a', 'b', 'c'), data(-1n, 3n, 'd')]);
    const cut = log.subarray(0, log.length - 5);
    const read = visibleRecords(cut, 1n, 'committed', []);
    expect(values(read)).toEqual(['1:b', '2:c']);
    expect(read.nextOffset).toBe(3n);
  });

  it('reads a batch whose CRC fails, and marks its records', () => {
    const log = Buffer.concat([data(-1n, 0n, 'good'), data(-1n, 1n, 'bad-value')]);
    const good = visibleRecords(log, 0n, 'committed', []);
    expect(good.records.map((r) => r.crcValid)).toEqual([true, true]);
    const flipped = Buffer.from(log);
    flipped[flipped.length - 3]! ^= 0x40;
    const read = visibleRecords(flipped, 0n, 'committed', []);
    expect(read.records.map((r) => r.crcValid)).toEqual([true, false]);
    expect(read.records[1]!.value?.toString()).not.toBe('bad-value');
  });
});
