// NOT_LEADER_OR_FOLLOWER answers can name the new leader and its endpoint (KIP-951).
import * as t from '../../schema/types.js';
import * as v9 from './v9.js';

export * from './v9.js';

export const LeaderIdAndEpoch = t.struct({
  leaderId: t.withDefault(t.int32, -1),
  leaderEpoch: t.withDefault(t.int32, -1),
});

export const NodeEndpoint = t.struct({
  nodeId: t.int32,
  host: t.string,
  port: t.int32,
  rack: t.withDefault(t.nullableString, null),
});

export const PartitionProduceResponse = t.struct({
  ...v9.PartitionProduceResponse.fields,
  currentLeader: t.tagged(0, LeaderIdAndEpoch),
});

export const TopicProduceResponse = t.struct({
  ...v9.TopicProduceResponse.fields,
  partitionResponses: t.array(PartitionProduceResponse),
});

export const response = t.struct({
  ...v9.response.fields,
  responses: t.array(TopicProduceResponse),
  nodeEndpoints: t.tagged(0, t.array(NodeEndpoint)),
});
