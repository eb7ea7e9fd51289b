// The cluster metadata log, `__cluster_metadata-0` in metadata.log.dir, stored by the storage layer
// like any partition and replicated by the metadata quorum (raft/). Each controller change is one
// record batch of metadata records stamped with the quorum epoch of the leader that wrote it. It is
// the quorum's RaftLog: the leader appends, followers copy the leader's batches as they are and
// truncate where their log diverged; what is committed is replayed into the MetadataImage.
import { join } from 'node:path';
import { decodeRecordBatches, encodeRecordBatch } from '@kafka-chaos/protocol';
import { PartitionLog } from '../storage/index.js';
import type { Logger } from '../logging/logger.js';
import type { EpochEnd, RaftLog } from '../raft/raft-log.js';
import type { MetadataRecord } from './metadata-records.js';
import { decodeMetadataRecord, encodeMetadataRecord } from './metadata-records.js';

export const METADATA_TOPIC = '__cluster_metadata';
/** Kafka's fixed topic id of the metadata topic (Uuid.METADATA_TOPIC_ID). */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

export class MetadataLog implements RaftLog<MetadataRecord, Buffer> {
  /** Called with the log end offset covered by each completed flush. */
  onFlushed: (offset: bigint) => void = () => undefined;

  private constructor(
    private readonly log: PartitionLog,
    private readonly logger: Logger,
  ) {}

  static async open(metadataLogDir: string, logger: Logger): Promise<MetadataLog> {
    const log = await PartitionLog.open(join(metadataLogDir, `${METADATA_TOPIC}-0`), {
      onBackgroundError: (error) => logger.error({ err: error }, 'metadata log background failure'),
    });
    return new MetadataLog(log, logger);
  }

  get dir(): string {
    return this.log.dir;
  }

  endOffset(): bigint {
    return this.log.logEndOffset;
  }

  lastEpoch(): number {
    return this.log.latestEpoch ?? 0;
  }

  endOffsetForEpoch(epoch: number): EpochEnd {
    const latest = this.log.latestEpoch;
    if (latest === undefined) return { epoch: -1, endOffset: -1n };
    if (epoch >= latest) return { epoch: latest, endOffset: this.log.logEndOffset };
    const end = this.log.endOffsetForEpoch(epoch);
    // The cache answers for an epoch below all it knows with that epoch; the quorum wants "none".
    if (end.epoch === epoch && !this.log.epochEntries().some((e) => e.epoch <= epoch)) return { epoch: -1, endOffset: -1n };
    return end;
  }

  appendAsLeader(records: readonly MetadataRecord[], epoch: number): bigint {
    const batch = encodeRecordBatch(
      records.map((record) => ({ key: null, value: encodeMetadataRecord(record) })),
      { defaultTimestamp: BigInt(Date.now()) },
    );
    return this.log.appendAsLeader(batch, epoch, { origin: 'coordinator' }).lastOffset + 1n;
  }

  appendAsFollower(slice: Buffer): void {
    this.log.appendAsFollower(slice);
  }

  read(offset: bigint, maxBytes: number): Buffer | undefined {
    if (offset >= this.log.logEndOffset) return undefined;
    const bytes = this.log.read(offset, maxBytes, { minOneBatch: true });
    return bytes.length === 0 ? undefined : bytes;
  }

  truncateTo(offset: bigint): void {
    this.log.truncateTo(offset);
  }

  requestFlush(): void {
    const end = this.log.logEndOffset;
    this.log.flush().then(
      () => this.onFlushed(end),
      (error: unknown) => this.logger.error({ err: error }, 'metadata log flush failed'),
    );
  }

  /** The records in [from, to), in order, with their offsets. */
  *records(from: bigint, to: bigint): Generator<{ record: MetadataRecord; offset: bigint }> {
    let offset = from < this.log.logStartOffset ? this.log.logStartOffset : from;
    while (offset < to && offset < this.log.logEndOffset) {
      const bytes = this.log.read(offset, READ_CHUNK_BYTES, { minOneBatch: true });
      const batches = decodeRecordBatches(bytes);
      if (batches.length === 0) throw new Error(`metadata log has no readable batch at offset ${offset}`);
      for (const batch of batches) {
        for (const record of batch.records) {
          if (record.offset < offset || record.offset >= to || record.value === null) continue;
          yield { record: decodeMetadataRecord(record.value), offset: record.offset };
        }
        offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
        if (offset >= to) return;
      }
    }
  }

  close(): Promise<void> {
    return this.log.close();
  }

  /** What a crash leaves: files released without a clean-shutdown marker. */
  closeHandles(): void {
    this.log.closeHandles();
  }
}
