// Transaction markers: a control batch (transactional + control attributes) holding one record
// whose key says COMMIT or ABORT and whose value names the coordinator epoch. The broker writes one
// into each partition of a transaction when EndTxn completes; consumers in read_committed use them
// to drop aborted records.
import { Writer } from '../codec/writer.js';
import { Reader } from '../codec/reader.js';
import { ProtocolError } from '../codec/protocol-error.js';
import { decodeRecordBatch } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';
import type { DecodedRecord } from './record.js';

export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
}

const CONTROL_RECORD_VERSION = 0;

export interface TransactionMarker {
  type: ControlRecordType;
  coordinatorEpoch: number;
}

export interface MarkerBatchOptions {
  producerId: bigint;
  producerEpoch: number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  timestamp?: bigint;
}

/** A control batch with one transaction marker, as written by the partition leader. */
export function encodeTransactionMarkerBatch(marker: TransactionMarker, options: MarkerBatchOptions): Buffer {
  const key = new Writer(4).int16(CONTROL_RECORD_VERSION).int16(marker.type).toBuffer();
  const value = new Writer(6).int16(CONTROL_RECORD_VERSION).int32(marker.coordinatorEpoch).toBuffer();
  return encodeRecordBatch([{ key, value, ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }) }], {
    baseOffset: options.baseOffset ?? 0n,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
  });
}

/** Reads the marker carried by a record of a control batch. */
export function readTransactionMarker(record: DecodedRecord): TransactionMarker {
  if (record.key === null || record.value === null) {
    throw new ProtocolError('bad-record', 'control record without key or value');
  }
  const key = new Reader(record.key);
  key.int16(); // version
  const type = key.int16();
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) {
    throw new ProtocolError('bad-record', `control record type ${type} is not a transaction marker`);
  }
  const value = new Reader(record.value);
  value.int16(); // version
  return { type, coordinatorEpoch: value.int32() };
}

/**
 * The marker of the control batch at `at` (a whole batch must be there), or undefined when it
 * carries another kind of control record (KRaft's LeaderChange, say).
 */
export function transactionMarkerAt(buf: Buffer, at = 0): TransactionMarker | undefined {
  const record = decodeRecordBatch(buf, at, { verify: false }).records[0];
  if (record === undefined || record.key === null || record.key.length < 4) return undefined;
  const type = record.key.readInt16BE(2);
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) return undefined;
  return readTransactionMarker(record);
}
