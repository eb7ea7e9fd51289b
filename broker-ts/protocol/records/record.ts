// Records as the tests, the fuzzer and the harness see them. The broker itself never looks inside a
// batch on its hot path; it works on batch headers (../record-batch.ts).

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record to put in a batch. Strings are encoded as UTF-8. */
export interface RecordInput {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: { key: string; value: Buffer | string | null }[];
  /** Milliseconds since the epoch; defaults to the batch's base timestamp. */
  timestamp?: bigint | number;
}

/** A record read from a batch; offsets and timestamps are absolute (base + delta). */
export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}
