// The group coordinator's persistence: its records go to the __consumer_offsets partition that owns
// the group, written like an acks=all produce (they count once the high watermark covers them, so
// with replication a commit survives the loss of the leader), and are replayed from that partition
// when this node becomes its leader.
import { decodeRecordBatches, encodeRecordBatch } from '../protocol/index.js';
import { ApiError, errorCodeOf } from '../server/api-error.js';
import { ErrorCode } from '../protocol/index.js';
import type { Partition } from '../cluster/partition.js';
import type { ReplicaManager } from '../cluster/replica-manager.js';
import { CONSUMER_OFFSETS_TOPIC } from '../cluster/topic-names.js';

export interface CoordinatorRecord {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export class GroupLog {
  constructor(
    private readonly replicas: ReplicaManager,
    /** offsets.commit.timeout.ms */
    private readonly commitTimeoutMs: number,
  ) {}

  /** Appends the records to the partition and resolves once they are committed. */
  async append(partitionIndex: number, records: readonly CoordinatorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const partition = this.replicas.partition(CONSUMER_OFFSETS_TOPIC, partitionIndex);
    if (partition === undefined || !partition.isLeader) throw ApiError.of('NOT_COORDINATOR');
    const batch = encodeRecordBatch(
      records.map((record) => ({ key: record.key, value: record.value })),
      { defaultTimestamp: BigInt(Date.now()) },
    );
    let committedAt: bigint;
    try {
      committedAt = partition.appendRecordsToLeader(batch, -1, partition.minInsyncReplicas, 'coordinator').lastOffset + 1n;
    } catch (error) {
      throw asCoordinatorError(error);
    }
    if (!(await partition.waitForHighWatermark(committedAt, this.commitTimeoutMs))) {
      throw ApiError.of(partition.isLeader ? 'COORDINATOR_NOT_AVAILABLE' : 'NOT_COORDINATOR');
    }
  }

  /** Every record in the partition, oldest first. */
  *records(partition: Partition): Generator<CoordinatorRecord> {
    let offset = partition.logStartOffset;
    const end = partition.logEndOffset;
    while (offset < end) {
      const bytes = partition.log.read(offset, READ_CHUNK_BYTES, { minOneBatch: true });
      const batches = decodeRecordBatches(bytes);
      if (batches.length === 0) return;
      for (const batch of batches) {
        for (const record of batch.records) {
          if (record.offset >= offset && record.key !== null) yield { key: record.key, value: record.value };
        }
        offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
      }
    }
  }
}

/** How Kafka's coordinator reports a failed write of its records to the client. */
export function asCoordinatorError(error: unknown): ApiError {
  switch (errorCodeOf(error)) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      return ApiError.of('COORDINATOR_NOT_AVAILABLE');
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
    case ErrorCode.NOT_COORDINATOR:
      return ApiError.of('NOT_COORDINATOR');
    default:
      return ApiError.of('UNKNOWN_SERVER_ERROR', error instanceof Error ? error.message : String(error));
  }
}
