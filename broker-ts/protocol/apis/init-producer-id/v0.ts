import * as t from '../../schema/types.js';

export const request = t.struct({
  /** Null for idempotent producers that are not transactional. */
  transactionalId: t.nullableString,
  transactionTimeoutMs: t.int32,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  producerId: t.withDefault(t.int64, -1n),
  producerEpoch: t.int16,
});
