import * as t from '../../schema/types.js';

export const DeleteRecordsPartition = t.struct({
  partitionIndex: t.int32,
  /** Records before this offset are deleted; -1 means the high watermark. */
  offset: t.int64,
});

export const DeleteRecordsTopic = t.struct({
  name: t.string,
  partitions: t.array(DeleteRecordsPartition),
});

export const request = t.struct({
  topics: t.array(DeleteRecordsTopic),
  timeoutMs: t.int32,
});

export const DeleteRecordsPartitionResult = t.struct({
  partitionIndex: t.int32,
  lowWatermark: t.int64,
  errorCode: t.int16,
});

export const DeleteRecordsTopicResult = t.struct({
  name: t.string,
  partitions: t.array(DeleteRecordsPartitionResult),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  topics: t.array(DeleteRecordsTopicResult),
});
