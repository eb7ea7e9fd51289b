// The cluster metadata log, `__cluster_metadata-0` in metadata.log.dir, stored by the storage layer
// like any partition. Each controller change is one record batch of metadata records, fsynced
// before it counts (as KRaft commits only fsynced records). On start-up the whole log is replayed
// into the image. With one node this node is the Raft leader and each start begins a new epoch;
// issue 4 replaces the local append with Raft replication of these same batches.
import { join } from 'node:path';
import { decodeRecordBatches, encodeRecordBatch } from '../protocol/index.js';
import { PartitionLog } from '../storage/index.js';
import type { Logger } from '../logging/logger.js';
import type { MetadataRecord } from './metadata-records.js';
import { decodeMetadataRecord, encodeMetadataRecord } from './metadata-records.js';

export const METADATA_TOPIC = '__cluster_metadata';
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

export class MetadataLog {
  private constructor(
    private readonly log: PartitionLog,
    /** This node's Raft epoch as the (only) leader, stamped on every batch it appends. */
    readonly epoch: number,
  ) {}

  static async open(metadataLogDir: string, logger: Logger): Promise<MetadataLog> {
    const log = await PartitionLog.open(join(metadataLogDir, `${METADATA_TOPIC}-0`), {
      onBackgroundError: (error) => logger.error({ err: error }, 'metadata log background failure'),
    });
    return new MetadataLog(log, (log.latestEpoch ?? 0) + 1);
  }

  get endOffset(): bigint {
    return this.log.logEndOffset;
  }

  /** Every record in the log, in order, with its offset. */
  *records(): Generator<{ record: MetadataRecord; offset: bigint }> {
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const bytes = this.log.read(offset, READ_CHUNK_BYTES, { minOneBatch: true });
      const batches = decodeRecordBatches(bytes);
      if (batches.length === 0) throw new Error(`metadata log has no readable batch at offset ${offset}`);
      for (const batch of batches) {
        for (const record of batch.records) {
          if (record.offset < offset || record.value === null) continue;
          yield { record: decodeMetadataRecord(record.value), offset: record.offset };
        }
        offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
      }
    }
  }

  /** Appends the records as one batch and resolves with their offsets once they are on disk. */
  async append(records: readonly MetadataRecord[]): Promise<bigint[]> {
    if (records.length === 0) return [];
    const batch = encodeRecordBatch(
      records.map((record) => ({ key: null, value: encodeMetadataRecord(record) })),
      { defaultTimestamp: BigInt(Date.now()) },
    );
    const result = this.log.appendAsLeader(batch, this.epoch, { origin: 'coordinator' });
    await this.log.flush();
    return records.map((_, i) => result.baseOffset + BigInt(i));
  }

  close(): Promise<void> {
    return this.log.close();
  }

  /** What a crash leaves: files released without a clean-shutdown marker. */
  closeHandles(): void {
    this.log.closeHandles();
  }
}
