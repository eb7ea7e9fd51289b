import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeRecordBatches } from '@kafka-chaos/protocol';
import type { PowerCut } from '../runtime/cluster.js';
import { decodeMessageId } from '../workload/message.js';

/** Workload records whose only copy on a node was in bytes its power cut discarded. */
export interface DroppedRecords {
  node: number;
  partition: number;
  /** Offsets of the first and last record found in the dropped bytes. */
  offsets: [number, number];
  /** The workload message ids among them. */
  ids: number[];
}

/** The records of the whole record batches in `buf`, read from its start. */
function messagesIn(buf: Buffer): { offset: number; id: number }[] {
  try {
    return decodeRecordBatches(buf).flatMap((batch) => batch.records.map((r) => ({ offset: Number(r.offset), id: decodeMessageId(r.value) })));
  } catch {
    // Not a batch boundary (a tail that starts inside a batch) or not record batches at all.
    return [];
  }
}

/**
 * Reads the segment bytes a power cut dropped (tails past the last fsync, segment files whose
 * names were never synced into their directory) and lists the workload topic's records in them,
 * by partition: what this node no longer holds.
 */
export function recordsDroppedBy(cut: PowerCut, topic: string): DroppedRecords[] {
  const byPartition = new Map<number, { offset: number; id: number }[]>();
  const dropped = [...cut.files.map((f) => ({ path: f.path, keptAs: f.keptAs })), ...cut.entries.map((e) => ({ path: e.path, keptAs: e.keptAs }))];
  for (const { path, keptAs } of dropped) {
    if (keptAs === undefined || !path.endsWith('.log')) continue;
    const partitionDir = basename(dirname(path));
    if (!partitionDir.startsWith(`${topic}-`)) continue;
    const partition = Number(partitionDir.slice(topic.length + 1));
    const file = join(cut.keptIn, keptAs);
    if (!Number.isInteger(partition) || !existsSync(file)) continue;
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), ...messagesIn(readFileSync(file))]);
  }
  return [...byPartition.entries()]
    .filter(([, records]) => records.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([partition, records]) => ({
      node: cut.node,
      partition,
      offsets: [Math.min(...records.map((r) => r.offset)), Math.max(...records.map((r) => r.offset))],
      ids: records.map((r) => r.id).filter((id) => id >= 0),
    }));
}
