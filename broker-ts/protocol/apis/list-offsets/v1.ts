import * as t from '../../schema/types.js';

export const ListOffsetsPartition = t.struct({
  partitionIndex: t.int32,
  /** A timestamp, or -1 (latest), -2 (earliest), -3 (max timestamp, v7+), -4 (local log start, v8+). */
  timestamp: t.int64,
});

export const ListOffsetsTopic = t.struct({
  name: t.string,
  partitions: t.array(ListOffsetsPartition),
});

export const request = t.struct({
  replicaId: t.int32,
  topics: t.array(ListOffsetsTopic),
});

export const ListOffsetsPartitionResponse = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
  timestamp: t.withDefault(t.int64, -1n),
  offset: t.withDefault(t.int64, -1n),
});

export const ListOffsetsTopicResponse = t.struct({
  name: t.string,
  partitions: t.array(ListOffsetsPartitionResponse),
});

export const response = t.struct({
  topics: t.array(ListOffsetsTopicResponse),
});
