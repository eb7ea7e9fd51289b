// Replica states say when each replica last fetched and was last caught up (KIP-836).
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const ReplicaState = t.struct({
  ...v0.ReplicaState.fields,
  lastFetchTimestamp: t.withDefault(t.int64, -1n),
  lastCaughtUpTimestamp: t.withDefault(t.int64, -1n),
});

export const PartitionDataResponse = t.struct({
  ...v0.PartitionDataResponse.fields,
  currentVoters: t.array(ReplicaState),
  observers: t.array(ReplicaState),
});

export const TopicDataResponse = t.struct({ ...v0.TopicDataResponse.fields, partitions: t.array(PartitionDataResponse) });

export const response = t.struct({ ...v0.response.fields, topics: t.array(TopicDataResponse) });
