import * as t from '../../schema/types.js';

export const request = t.struct({
  /** Empty: every state. */
  stateFilters: t.array(t.string),
  /** Empty: every producer id. */
  producerIdFilters: t.array(t.int64),
});

export const TransactionState = t.struct({
  transactionalId: t.string,
  producerId: t.int64,
  transactionState: t.string,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  unknownStateFilters: t.array(t.string),
  transactionStates: t.array(TransactionState),
});
