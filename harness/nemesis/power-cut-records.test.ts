// The records a power cut dropped, read from the bytes the unsynced filesystem kept: segment tails
// of the workload topic's partitions, and segment files whose names were never synced.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatch } from '@kafka-chaos/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import type { PowerCut } from '../runtime/cluster.js';
import { encodeMessage } from '../workload/message.js';
import { recordsDroppedBy } from './power-cut-records.js';

const kept = mkdtempSync(join(tmpdir(), 'power-cut-records-'));
afterAll(() => rmSync(kept, { recursive: true, force: true }));

function batch(baseOffset: number, ids: number[]): Buffer {
  return encodeRecordBatch(
    ids.map((id) => ({ key: null, value: encodeMessage(id, 32) })),
    { baseOffset: BigInt(baseOffset) },
  );
}

function keep(name: string, bytes: Buffer): string {
  mkdirSync(join(kept, name, '..'), { recursive: true });
  writeFileSync(join(kept, name), bytes);
  return name;
}

const cut = (files: PowerCut['files'], entries: PowerCut['entries'] = []): PowerCut => ({
  node: 2,
  files,
  entries,
  refusedWrites: 0,
  syncsSeen: 10,
  keptIn: kept,
  reportFile: join(kept, 'report.json'),
});

describe('records dropped by a power cut', () => {
  it('lists the workload messages of every dropped segment tail and unsynced segment, by partition', () => {
    const tail0 = keep('tails/chaos-0/00000000000000000000.log@100', Buffer.concat([batch(5, [50, 51]), batch(7, [52])]));
    const tail1 = keep('tails/chaos-1/00000000000000000000.log@0', batch(0, [60]));
    const newSegment = keep('entries/chaos-0/00000000000000000008.log', batch(8, [53, 54]));
    const r = recordsDroppedBy(
      cut(
        [
          { path: 'chaos-0/00000000000000000000.log', syncedSize: 100, droppedTail: 1, restored: 0, keptAs: tail0 },
          { path: 'chaos-1/00000000000000000000.log', syncedSize: 0, droppedTail: 1, restored: 0, keptAs: tail1 },
          // Not segments of the workload topic: index bytes, another topic, the metadata log.
          { path: 'chaos-0/00000000000000000000.index', syncedSize: 0, droppedTail: 1, restored: 0, keptAs: tail1 },
          { path: 'other-0/00000000000000000000.log', syncedSize: 0, droppedTail: 1, restored: 0, keptAs: tail1 },
          { path: '__cluster_metadata-0/00000000000000000000.log', syncedSize: 0, droppedTail: 1, restored: 0, keptAs: tail1 },
        ],
        [{ path: 'chaos-0/00000000000000000008.log', bytes: 1, keptAs: newSegment }],
      ),
      'chaos',
    );
    expect(r).toEqual([
      { node: 2, partition: 0, offsets: [5, 9], ids: [50, 51, 52, 53, 54] },
      { node: 2, partition: 1, offsets: [0, 0], ids: [60] },
    ]);
  });

  it('reads the whole batches of a tail cut off inside its last batch', () => {
    const whole = batch(0, [1, 2]);
    const torn = batch(2, [3]);
    const tail = keep('tails/chaos-0/torn.log@0', Buffer.concat([whole, torn.subarray(0, torn.length - 5)]));
    const [r] = recordsDroppedBy(cut([{ path: 'chaos-0/torn.log', syncedSize: 0, droppedTail: 1, restored: 0, keptAs: tail }]), 'chaos');
    expect(r?.ids).toEqual([1, 2]);
  });

  it('finds nothing in bytes that do not start at a batch', () => {
    const tail = keep('tails/chaos-0/mid.log@3', batch(0, [1]).subarray(3));
    expect(recordsDroppedBy(cut([{ path: 'chaos-0/mid.log', syncedSize: 3, droppedTail: 1, restored: 0, keptAs: tail }]), 'chaos')).toEqual([]);
  });
});
