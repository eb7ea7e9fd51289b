import * as t from '../../schema/types.js';

export const request = t.struct({
  transactionalIds: t.array(t.string),
});

export const TopicData = t.struct({
  topic: t.string,
  partitions: t.array(t.int32),
});

export const TransactionState = t.struct({
  errorCode: t.int16,
  transactionalId: t.string,
  transactionState: t.string,
  transactionTimeoutMs: t.int32,
  transactionStartTimeMs: t.int64,
  producerId: t.int64,
  producerEpoch: t.int16,
  topics: t.array(TopicData),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  transactionStates: t.array(TransactionState),
});
