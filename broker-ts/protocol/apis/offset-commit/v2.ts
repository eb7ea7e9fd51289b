import * as t from '../../schema/types.js';

export const OffsetCommitRequestPartition = t.struct({
  partitionIndex: t.int32,
  committedOffset: t.int64,
  committedMetadata: t.nullableString,
});

export const OffsetCommitRequestTopic = t.struct({
  name: t.string,
  partitions: t.array(OffsetCommitRequestPartition),
});

export const request = t.struct({
  groupId: t.string,
  /** The generation for classic groups (Kafka 3.x named it generationId), the member epoch for KIP-848 groups. */
  generationIdOrMemberEpoch: t.withDefault(t.int32, -1),
  memberId: t.string,
  retentionTimeMs: t.withDefault(t.int64, -1n),
  topics: t.array(OffsetCommitRequestTopic),
});

export const OffsetCommitResponsePartition = t.struct({
  partitionIndex: t.int32,
  errorCode: t.int16,
});

export const OffsetCommitResponseTopic = t.struct({
  name: t.string,
  partitions: t.array(OffsetCommitResponsePartition),
});

export const response = t.struct({
  topics: t.array(OffsetCommitResponseTopic),
});
