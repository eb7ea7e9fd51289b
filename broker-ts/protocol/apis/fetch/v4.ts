import * as t from '../../schema/types.js';

export const FetchPartition = t.struct({
  partition: t.int32,
  fetchOffset: t.int64,
  partitionMaxBytes: t.int32,
});

export const FetchTopic = t.struct({
  topic: t.string,
  partitions: t.array(FetchPartition),
});

export const request = t.struct({
  /** -1 for consumers; followers send their broker id. */
  replicaId: t.withDefault(t.int32, -1),
  maxWaitMs: t.int32,
  minBytes: t.int32,
  maxBytes: t.withDefault(t.int32, 0x7fffffff),
  /** 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED. */
  isolationLevel: t.int8,
  topics: t.array(FetchTopic),
});

export const AbortedTransaction = t.struct({
  producerId: t.int64,
  firstOffset: t.int64,
});

export const PartitionData = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  highWatermark: t.int64,
  lastStableOffset: t.withDefault(t.int64, -1n),
  abortedTransactions: t.nullableArray(AbortedTransaction),
  records: t.records,
});

export const FetchableTopicResponse = t.struct({
  topic: t.string,
  partitions: t.array(PartitionData),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  responses: t.array(FetchableTopicResponse),
});
