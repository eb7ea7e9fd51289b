import * as t from '../../schema/types.js';

export const OffsetFetchRequestTopic = t.struct({
  name: t.string,
  partitionIndexes: t.array(t.int32),
});

export const request = t.struct({
  groupId: t.string,
  topics: t.array(OffsetFetchRequestTopic),
});

export const OffsetFetchResponsePartition = t.struct({
  partitionIndex: t.int32,
  committedOffset: t.int64,
  metadata: t.nullableString,
  errorCode: t.int16,
});

export const OffsetFetchResponseTopic = t.struct({
  name: t.string,
  partitions: t.array(OffsetFetchResponsePartition),
});

export const response = t.struct({
  topics: t.array(OffsetFetchResponseTopic),
});
