// A coordinator's persistence, shared by the group coordinator (__consumer_offsets) and the
// transaction coordinator (__transaction_state): its records go to the partition of its topic that
// owns the key, written like an acks=all produce (they count once the high watermark covers them,
// so with replication they survive the loss of the leader), and are replayed from that partition
// when this node becomes its leader: the coordinator moves with partition leadership.
import {
  ControlRecordType,
  ErrorCode,
  decodeRecordBatches,
  encodeRecordBatch,
  isControlBatch,
  isTransactionalBatch,
  readTransactionMarker,
} from '@kafka-chaos/protocol';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
import type { Partition } from '../replication/partition.js';
import type { ReplicaManager } from '../replication/replica-manager.js';

export interface CoordinatorRecord {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

/** Records written on behalf of a transactional producer (TxnOffsetCommit): they count once its commit marker follows. */
export interface TransactionalWriter {
  producerId: bigint;
  producerEpoch: number;
}

/** A batch of the log as a coordinator replays it. */
export type LoggedBatch =
  { kind: 'records'; records: CoordinatorRecord[]; transactionalProducerId: bigint | undefined } | { kind: 'marker'; producerId: bigint; commit: boolean };

const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export class CoordinatorLog {
  constructor(
    private readonly replicas: ReplicaManager,
    readonly topic: string,
    /** offsets.commit.timeout.ms, or the transaction coordinator's request timeout */
    private readonly commitTimeoutMs: number,
  ) {}

  /** Appends the records to the partition and resolves once they are committed. */
  async append(partitionIndex: number, records: readonly CoordinatorRecord[], writer?: TransactionalWriter): Promise<void> {
    if (records.length === 0) return;
    const partition = this.replicas.partition(this.topic, partitionIndex);
    if (partition === undefined || !partition.isLeader) throw ApiError.of('NOT_COORDINATOR');
    const batch = encodeRecordBatch(
      records.map((record) => ({ key: record.key, value: record.value })),
      {
        defaultTimestamp: BigInt(Date.now()),
        ...(writer === undefined ? {} : { producerId: writer.producerId, producerEpoch: writer.producerEpoch, baseSequence: -1, transactional: true }),
      },
    );
    let committedAt: bigint;
    try {
      committedAt = partition.appendRecordsToLeader(batch, -1, 'coordinator').lastOffset + 1n;
    } catch (error) {
      throw asCoordinatorError(error);
    }
    if (!(await partition.waitForHighWatermark(committedAt, this.commitTimeoutMs))) {
      throw ApiError.of(partition.isLeader ? 'COORDINATOR_NOT_AVAILABLE' : 'NOT_COORDINATOR');
    }
  }

  /** Every batch in the partition, oldest first, with its keyed records or the transaction marker it holds. */
  *batches(partition: Partition): Generator<LoggedBatch> {
    let offset = partition.logStartOffset;
    const end = partition.logEndOffset;
    while (offset < end) {
      const bytes = partition.log.read(offset, READ_CHUNK_BYTES, { minOneBatch: true });
      const batches = decodeRecordBatches(bytes);
      if (batches.length === 0) return;
      for (const batch of batches) {
        const { header } = batch;
        if (isControlBatch(header.attributes)) {
          const record = batch.records[0];
          if (record !== undefined && header.baseOffset >= offset) {
            yield { kind: 'marker', producerId: header.producerId, commit: readTransactionMarker(record).type === ControlRecordType.Commit };
          }
        } else {
          const records: CoordinatorRecord[] = [];
          for (const record of batch.records) {
            if (record.offset >= offset && record.key !== null) records.push({ key: record.key, value: record.value });
          }
          yield { kind: 'records', records, transactionalProducerId: isTransactionalBatch(header.attributes) ? header.producerId : undefined };
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
    // A transactional write (TxnOffsetCommit) of an epoch the partition has seen fenced by a marker.
    case ErrorCode.INVALID_PRODUCER_EPOCH:
    case ErrorCode.PRODUCER_FENCED:
      return ApiError.of('PRODUCER_FENCED');
    default:
      return ApiError.of('UNKNOWN_SERVER_ERROR', error instanceof Error ? error.message : String(error));
  }
}
