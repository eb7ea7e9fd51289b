// What a node keeps of the metadata quorum on its disk, read from its data dir: the `quorum-state`
// file (epoch, vote, leader: the durable part of a Raft voter) and the record batches of
// `__cluster_metadata-0`. Kafka and broker-ts keep both in the same place and format, so the harness
// reads them without asking the node, even while it is down.
import { closeSync, openSync, readSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const METADATA_PARTITION_DIR = '__cluster_metadata-0';

export interface StoredQuorumState {
  epoch: number;
  /** -1 when the node knows no leader for the epoch. */
  leaderId: number;
  /** -1 when it has not voted in the epoch. */
  votedId: number;
}

/** The node's quorum-state file, or undefined when there is none (yet) or it cannot be parsed. */
export function readQuorumState(dataDir: string): StoredQuorumState | undefined {
  try {
    const stored = JSON.parse(readFileSync(join(dataDir, METADATA_PARTITION_DIR, 'quorum-state'), 'utf8')) as Record<string, unknown>;
    const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
    const epoch = int(stored.leaderEpoch);
    if (epoch === undefined) return undefined;
    return { epoch, leaderId: int(stored.leaderId) ?? -1, votedId: int(stored.votedId) ?? -1 };
  } catch {
    return undefined;
  }
}

/** One record batch of the metadata log: where it is, which leader epoch wrote it, and its checksum. */
export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  epoch: number;
  crc: number;
}

/** Offsets in a v2 record batch header (DefaultRecordBatch). */
const HEADER_BYTES = 61;
const LENGTH_AT = 8;
const EPOCH_AT = 12;
const CRC_AT = 17;
const LAST_OFFSET_DELTA_AT = 23;
/** baseOffset and batchLength are not counted in batchLength. */
const LOG_OVERHEAD = 12;

/**
 * The batch headers of every segment of the node's metadata log, in offset order; reading stops at
 * the first incomplete batch of a segment (the tail of a write in progress, or of a crash).
 */
export function readMetadataBatches(dataDir: string): StoredBatch[] {
  const dir = join(dataDir, METADATA_PARTITION_DIR);
  let segments: string[];
  try {
    segments = readdirSync(dir)
      .filter((name) => /^\d{20}\.log$/.test(name))
      .sort();
  } catch {
    return [];
  }
  const batches: StoredBatch[] = [];
  const header = Buffer.alloc(HEADER_BYTES);
  for (const segment of segments) {
    const file = join(dir, segment);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      continue;
    }
    try {
      const size = statSync(file).size;
      let at = 0;
      while (at + HEADER_BYTES <= size) {
        if (readSync(fd, header, 0, HEADER_BYTES, at) < HEADER_BYTES) break;
        const length = header.readInt32BE(LENGTH_AT);
        if (length < HEADER_BYTES - LOG_OVERHEAD || at + LOG_OVERHEAD + length > size) break;
        const baseOffset = Number(header.readBigInt64BE(0));
        batches.push({
          baseOffset,
          lastOffset: baseOffset + header.readInt32BE(LAST_OFFSET_DELTA_AT),
          epoch: header.readInt32BE(EPOCH_AT),
          crc: header.readUInt32BE(CRC_AT),
        });
        at += LOG_OVERHEAD + length;
      }
    } finally {
      closeSync(fd);
    }
  }
  return batches;
}
