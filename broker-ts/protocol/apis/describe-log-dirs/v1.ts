// v0 is gone since Kafka 4.0 (KIP-896); v1 differs from it only in throttling.
import * as t from '../../schema/types.js';

export const DescribableLogDirTopic = t.struct({
  topic: t.string,
  partitions: t.array(t.int32),
});

export const request = t.struct({
  /** Null: every topic. */
  topics: t.nullableArray(DescribableLogDirTopic),
});

export const DescribeLogDirsPartition = t.struct({
  partitionIndex: t.int32,
  partitionSize: t.int64,
  offsetLag: t.int64,
  isFutureKey: t.bool,
});

export const DescribeLogDirsTopic = t.struct({
  name: t.string,
  partitions: t.array(DescribeLogDirsPartition),
});

export const DescribeLogDirsResult = t.struct({
  errorCode: t.int16,
  logDir: t.string,
  topics: t.array(DescribeLogDirsTopic),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  results: t.array(DescribeLogDirsResult),
});
