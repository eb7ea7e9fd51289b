// Opens partition logs in temporary directories and, on cleanup, waits for their background writes
// before removing the directories.
import { PartitionLog } from '../partition-log.js';
import type { PartitionLogOptions } from '../partition-log.js';
import { buildBatch, decodeRecords } from './record-batches.js';
import type { DecodedRecord } from './record-batches.js';
import { tempDirs } from './temp-dirs.js';

export interface LogFixture {
  dir(): string;
  open(options?: PartitionLogOptions, dir?: string): Promise<PartitionLog>;
  cleanup(): Promise<void>;
}

export function logFixture(): LogFixture {
  const dirs = tempDirs();
  const opened: PartitionLog[] = [];
  return {
    dir: () => dirs.make(),
    async open(options = {}, dir = dirs.make()) {
      const log = await PartitionLog.open(dir, options);
      opened.push(log);
      return log;
    },
    async cleanup() {
      await Promise.all(opened.splice(0).map((log) => log.discard()));
      await dirs.cleanup();
    },
  };
}

/** Appends `count` batches of `recordsPerBatch` records valued "b<batch>-r<record>" (batch numbers from `firstBatch`). */
export function appendBatches(log: PartitionLog, count: number, recordsPerBatch = 3, epoch = 0, firstBatch = 0): void {
  for (let b = firstBatch; b < firstBatch + count; b++) {
    const records = Array.from({ length: recordsPerBatch }, (_, r) => ({ value: `b${b}-r${r}` }));
    log.appendAsLeader(buildBatch({ records }), epoch);
  }
}

/** Every record from `from` to the log end, fetched batch by batch with reads of `maxBytes`. */
export function readAllRecords(log: PartitionLog, from = log.logStartOffset, maxBytes = 1 << 20): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const decoded = decodeRecords(log.read(offset, maxBytes, { minOneBatch: true })).filter((r) => r.offset >= offset);
    if (decoded.length === 0) break;
    records.push(...decoded);
    offset = decoded.at(-1)!.offset + 1n;
  }
  return records;
}
