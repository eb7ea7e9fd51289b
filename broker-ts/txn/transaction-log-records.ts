// The records the transaction coordinator keeps in __transaction_state, in Kafka's own format (a
// version prefix, then the message in the classic encoding): TransactionLogKey v0 names the
// transactional id, TransactionLogValue v0 holds its producer id and epoch, timeout, state and
// partitions. A null value is a tombstone (an expired transactional id). Using Kafka's layout keeps
// the log readable by Kafka's own tools (kafka-dump-log --transaction-log-decoder).
import { Reader, Writer, compile, schema as t } from '@kafka-chaos/protocol';

const TransactionLogKey = t.struct({ transactionalId: t.string });

const PartitionsSchema = t.struct({ topic: t.string, partitionIds: t.array(t.int32) });

const TransactionLogValue = t.struct({
  producerId: t.int64,
  producerEpoch: t.int16,
  transactionTimeoutMs: t.int32,
  transactionStatus: t.int8,
  transactionPartitions: t.nullableArray(PartitionsSchema),
  transactionLastUpdateTimestampMs: t.int64,
  transactionStartTimestampMs: t.int64,
});

const KEY_VERSION = 0;
const VALUE_VERSION = 0;

/** Kafka's TransactionState ids, as stored in TransactionLogValue.transactionStatus. */
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnState = (typeof TxnState)[keyof typeof TxnState];

export const TXN_STATE_NAMES: Record<TxnState, string> = {
  0: 'Empty',
  1: 'Ongoing',
  2: 'PrepareCommit',
  3: 'PrepareAbort',
  4: 'CompleteCommit',
  5: 'CompleteAbort',
  6: 'Dead',
  7: 'PrepareEpochFence',
};

export interface TransactionLogValueData {
  producerId: bigint;
  producerEpoch: number;
  transactionTimeoutMs: number;
  state: TxnState;
  /** topic -> partitions */
  partitions: ReadonlyMap<string, readonly number[]>;
  lastUpdateTimestampMs: bigint;
  startTimestampMs: bigint;
}

export function transactionLogKey(transactionalId: string): Buffer {
  const w = new Writer(32);
  w.int16(KEY_VERSION);
  compile(TransactionLogKey, false).write(w, { transactionalId });
  return w.toBuffer();
}

/** The transactional id of a key, or undefined for a key version broker-ts does not know. */
export function decodeTransactionLogKey(bytes: Buffer): string | undefined {
  const r = new Reader(bytes);
  if (r.int16() !== KEY_VERSION) return undefined;
  return compile(TransactionLogKey, false).read(r).transactionalId;
}

export function transactionLogValue(value: TransactionLogValueData): Buffer {
  const w = new Writer(64);
  w.int16(VALUE_VERSION);
  compile(TransactionLogValue, false).write(w, {
    producerId: value.producerId,
    producerEpoch: value.producerEpoch,
    transactionTimeoutMs: value.transactionTimeoutMs,
    transactionStatus: value.state,
    // Kafka writes the partitions only while they matter (Ongoing and the Prepare states).
    transactionPartitions: [...value.partitions].map(([topic, partitionIds]) => ({ topic, partitionIds: [...partitionIds] })),
    transactionLastUpdateTimestampMs: value.lastUpdateTimestampMs,
    transactionStartTimestampMs: value.startTimestampMs,
  });
  return w.toBuffer();
}

export function decodeTransactionLogValue(bytes: Buffer): TransactionLogValueData {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== VALUE_VERSION) throw new Error(`TransactionLogValue v${version} is not supported`);
  const value = compile(TransactionLogValue, false).read(r);
  if (!(value.transactionStatus in TXN_STATE_NAMES)) throw new Error(`unknown transaction state ${value.transactionStatus}`);
  return {
    producerId: value.producerId,
    producerEpoch: value.producerEpoch,
    transactionTimeoutMs: value.transactionTimeoutMs,
    state: value.transactionStatus as TxnState,
    partitions: new Map((value.transactionPartitions ?? []).map((p) => [p.topic, p.partitionIds])),
    lastUpdateTimestampMs: value.transactionLastUpdateTimestampMs,
    startTimestampMs: value.transactionStartTimestampMs,
  };
}
