// First flexible version. Followers validate their log against the leader's epochs (KIP-595).
import * as t from '../../schema/types.js';
import { insertAfter, insertBefore } from '../../schema/fields.js';
import * as v11 from './v11.js';

export * from './v11.js';

export const FetchPartition = t.struct(insertAfter(v11.FetchPartition.fields, 'fetchOffset', { lastFetchedEpoch: t.withDefault(t.int32, -1) }));

export const FetchTopic = t.struct({ ...v11.FetchTopic.fields, partitions: t.array(FetchPartition) });

export const request = t.struct({
  clusterId: t.tagged(0, t.nullableString, null),
  ...v11.request.fields,
  topics: t.array(FetchTopic),
});

export const EpochEndOffset = t.struct({
  epoch: t.withDefault(t.int32, -1),
  endOffset: t.withDefault(t.int64, -1n),
});

export const LeaderIdAndEpoch = t.struct({
  leaderId: t.withDefault(t.int32, -1),
  leaderEpoch: t.withDefault(t.int32, -1),
});

export const SnapshotId = t.struct({
  endOffset: t.withDefault(t.int64, -1n),
  epoch: t.withDefault(t.int32, -1),
});

export const PartitionData = t.struct(
  insertBefore(v11.PartitionData.fields, 'abortedTransactions', {
    divergingEpoch: t.tagged(0, EpochEndOffset),
    currentLeader: t.tagged(1, LeaderIdAndEpoch),
    snapshotId: t.tagged(2, SnapshotId),
  }),
);

export const FetchableTopicResponse = t.struct({
  ...v11.FetchableTopicResponse.fields,
  partitions: t.array(PartitionData),
});

export const response = t.struct({ ...v11.response.fields, responses: t.array(FetchableTopicResponse) });
