// Kafka 4 serves this API from v2 on; v0 and v1 are kept because broker-ts also answers 3.x-era
// clients.
import * as t from '../../schema/types.js';

export const OffsetForLeaderPartition = t.struct({
  partition: t.int32,
  leaderEpoch: t.int32,
});

export const OffsetForLeaderTopic = t.struct({
  topic: t.string,
  partitions: t.array(OffsetForLeaderPartition),
});

export const request = t.struct({
  topics: t.array(OffsetForLeaderTopic),
});

export const EpochEndOffset = t.struct({
  errorCode: t.int16,
  partition: t.int32,
  endOffset: t.withDefault(t.int64, -1n),
});

export const OffsetForLeaderTopicResult = t.struct({
  topic: t.string,
  partitions: t.array(EpochEndOffset),
});

export const response = t.struct({
  topics: t.array(OffsetForLeaderTopicResult),
});
