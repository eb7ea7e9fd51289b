import * as t from '../../schema/types.js';

export const TxnOffsetCommitRequestPartition = t.struct({
  partitionIndex: t.int32,
  committedOffset: t.int64,
  committedMetadata: t.nullableString,
});

export const TxnOffsetCommitRequestTopic = t.struct({
  name: t.string,
  partitions: t.array(TxnOffsetCommitRequestPartition),
});

export const request = t.struct({
  transactionalId: t.string,
  groupId: t.string,
  producerId: t.int64,
  producerEpoch: t.int16,
  topics: t.array(TxnOffsetCommitRequestTopic),
});

export const TxnOffsetCommitResponsePartition = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
});

export const TxnOffsetCommitResponseTopic = t.struct({
  name: t.string,
  partitions: t.array(TxnOffsetCommitResponsePartition),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  topics: t.array(TxnOffsetCommitResponseTopic),
});
