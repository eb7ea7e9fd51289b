// Opening a partition directory: find the segments, decide what must be re-validated, and cut torn
// tails. After a clean close (marker present) everything is trusted. Otherwise every segment from
// the one holding the recovery point on is re-read batch by batch, as Kafka's LogLoader does: the
// first batch that is incomplete, fails its CRC or breaks offset order ends the log there, and the
// segments after it are deleted (as are the segments after one that ends short of the next). Segments below the recovery point were flushed; they are re-read
// only when their indexes are missing or do not match the data.
import fs from 'node:fs';
import path from 'node:path';
import type { BatchHeader } from '@kafka-chaos/protocol';
import { CorruptCheckpointError, readOffsetCheckpoint } from './checkpoint-file.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import {
  CLEAN_SHUTDOWN_MARKER,
  LOG_FILE_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT,
  OFFSET_INDEX_SUFFIX,
  RECOVERY_POINT_CHECKPOINT,
  TEMP_FILE_SUFFIX,
  TIME_INDEX_SUFFIX,
  parseOffsetFileName,
} from './log-file-names.js';
import { LogSegment } from './log-segment.js';

export interface LoadedLog {
  segments: LogSegment[];
  logStartOffset: bigint;
  logEndOffset: bigint;
  recoveryPoint: bigint;
  hadCleanShutdown: boolean;
  /** Bytes cut from torn or corrupt tails. */
  truncatedBytes: number;
}

export function loadLog(dir: string, config: LogConfig, epochCache: LeaderEpochCache, now: number): LoadedLog {
  fs.mkdirSync(dir, { recursive: true });
  const names = fs.readdirSync(dir);
  removeLeftovers(dir, names);
  const baseOffsets = names
    .map((name) => parseOffsetFileName(name, LOG_FILE_SUFFIX))
    .filter((offset): offset is bigint => offset !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const opened: LogSegment[] = [];
  try {
    const badIndexes = new Set<LogSegment>();
    for (const baseOffset of baseOffsets) {
      const { segment, indexProblem } = LogSegment.open(dir, baseOffset, config, now);
      opened.push(segment);
      if (indexProblem !== undefined) badIndexes.add(segment);
    }
    return recover(dir, config, epochCache, now, names.includes(CLEAN_SHUTDOWN_MARKER), opened, badIndexes);
  } catch (error) {
    for (const segment of opened) segment.close();
    throw error;
  }
}

function recover(
  dir: string,
  config: LogConfig,
  epochCache: LeaderEpochCache,
  now: number,
  hadCleanShutdown: boolean,
  opened: LogSegment[],
  badIndexes: Set<LogSegment>,
): LoadedLog {
  const logStartCheckpoint = readOffsetCheckpointOrUndefined(path.join(dir, LOG_START_OFFSET_CHECKPOINT));
  const recoveryCheckpoint = readOffsetCheckpointOrUndefined(path.join(dir, RECOVERY_POINT_CHECKPOINT)) ?? 0n;
  const assignEpoch = (header: BatchHeader): void => {
    const latest = epochCache.latestEpoch();
    if (header.partitionLeaderEpoch >= 0 && (latest === undefined || header.partitionLeaderEpoch > latest)) {
      epochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
    }
  };

  let segments = opened;
  let truncatedBytes = 0;
  if (!hadCleanShutdown) {
    const first = Math.max(
      0,
      segments.findLastIndex((s) => s.baseOffset <= recoveryCheckpoint),
    );
    for (let i = first; i < segments.length; i++) {
      const segment = segments[i]!;
      const cut = segment.recover(assignEpoch);
      badIndexes.delete(segment);
      // A segment ending before the next one starts lost its tail (its data never reached the disk
      // while the next file did): what follows the gap cannot be kept either.
      const next = segments[i + 1];
      if (cut > 0 || (next !== undefined && segment.nextOffset() < next.baseOffset)) {
        truncatedBytes += cut;
        for (const later of segments.slice(i + 1)) later.delete();
        segments = segments.slice(0, i + 1);
        break;
      }
    }
  }
  for (const segment of badIndexes) if (segments.includes(segment)) truncatedBytes += segment.recover(assignEpoch);

  if (segments.length > 0 && logStartCheckpoint !== undefined && segments.at(-1)!.nextOffset() < logStartCheckpoint) {
    // The log ends before its recorded start (segments removed behind our back): start over there.
    for (const segment of segments) segment.delete();
    segments = [];
    epochCache.clear();
  }
  if (segments.length === 0) segments.push(LogSegment.create(dir, logStartCheckpoint ?? 0n, config, now));

  const firstBase = segments[0]!.baseOffset;
  const logStartOffset = logStartCheckpoint !== undefined && logStartCheckpoint > firstBase ? logStartCheckpoint : firstBase;
  const logEndOffset = segments.at(-1)!.nextOffset();
  const recoveryPoint = hadCleanShutdown || recoveryCheckpoint > logEndOffset ? logEndOffset : recoveryCheckpoint;
  epochCache.truncateFromEnd(logEndOffset);
  epochCache.truncateFromStart(logStartOffset);
  return { segments, logStartOffset, logEndOffset, recoveryPoint, hadCleanShutdown, truncatedBytes };
}

/** Temporary files of interrupted atomic writes, and indexes whose log file is gone. */
function removeLeftovers(dir: string, names: string[]): void {
  const logs = new Set(names.filter((name) => name.endsWith(LOG_FILE_SUFFIX)).map((name) => name.slice(0, -LOG_FILE_SUFFIX.length)));
  for (const name of names) {
    const orphanIndex = [OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX].some(
      (suffix) => parseOffsetFileName(name, suffix) !== undefined && !logs.has(name.slice(0, -suffix.length)),
    );
    if (orphanIndex || name.endsWith(TEMP_FILE_SUFFIX)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function readOffsetCheckpointOrUndefined(file: string): bigint | undefined {
  try {
    return readOffsetCheckpoint(file);
  } catch (error) {
    if (error instanceof CorruptCheckpointError) return undefined;
    throw error;
  }
}
