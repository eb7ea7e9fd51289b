// Failures the storage layer reports to the broker. Each carries the Kafka error it stands for, so
// the request handlers can answer with the right code without knowing storage internals.

export const KAFKA_ERROR_CODES = {
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  KAFKA_STORAGE_ERROR: 56,
  INVALID_RECORD: 87,
} as const;

export type KafkaErrorName = keyof typeof KAFKA_ERROR_CODES;

export class StorageError extends Error {
  constructor(
    readonly kafkaError: KafkaErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  get errorCode(): number {
    return KAFKA_ERROR_CODES[this.kafkaError];
  }
}

export class OffsetOutOfRangeError extends StorageError {
  constructor(message: string) {
    super('OFFSET_OUT_OF_RANGE', message);
  }
}

/** A batch failed its CRC, length, magic or count checks: nothing of the request was stored. */
export class CorruptRecordError extends StorageError {
  constructor(message: string) {
    super('CORRUPT_MESSAGE', message);
  }
}

/** One batch is larger than max.message.bytes. */
export class RecordTooLargeError extends StorageError {
  constructor(message: string) {
    super('MESSAGE_TOO_LARGE', message);
  }
}

/** The whole append is larger than a segment can hold. */
export class RecordListTooLargeError extends StorageError {
  constructor(message: string) {
    super('RECORD_LIST_TOO_LARGE', message);
  }
}

/** A batch is well formed but breaks a rule Kafka's LogValidator enforces on client batches. */
export class InvalidRecordError extends StorageError {
  constructor(message: string) {
    super('INVALID_RECORD', message);
  }
}

export class OutOfOrderSequenceError extends StorageError {
  constructor(message: string) {
    super('OUT_OF_ORDER_SEQUENCE_NUMBER', message);
  }
}

export class InvalidProducerEpochError extends StorageError {
  constructor(message: string) {
    super('INVALID_PRODUCER_EPOCH', message);
  }
}

/**
 * A follower append does not start at the log end offset (or its batches are not contiguous).
 * Internal to replication, like Kafka's UnexpectedAppendOffsetException: the fetcher reacts by
 * truncating, it never reaches a client.
 */
export class UnexpectedAppendOffsetError extends StorageError {
  constructor(
    message: string,
    readonly firstOffset: bigint,
    readonly logEndOffset: bigint,
  ) {
    super('UNKNOWN_SERVER_ERROR', message);
  }
}

/** An I/O failure: the log is taken offline, as Kafka does with a failed log directory. */
export class KafkaStorageError extends StorageError {
  constructor(message: string, cause?: unknown) {
    super('KAFKA_STORAGE_ERROR', message, { cause });
  }
}
