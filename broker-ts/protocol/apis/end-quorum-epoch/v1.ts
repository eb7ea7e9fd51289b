// First flexible version: successors are named with their directory ids; leader endpoints (KIP-853).
import * as t from '../../schema/types.js';
import { replaceField } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const ReplicaInfo = t.struct({
  candidateId: t.int32,
  candidateDirectoryId: t.uuid,
});

export const PartitionData = t.struct(replaceField(v0.PartitionData.fields, 'preferredSuccessors', { preferredCandidates: t.array(ReplicaInfo) }));

export const TopicData = t.struct({ ...v0.TopicData.fields, partitions: t.array(PartitionData) });

export const LeaderEndpoint = t.struct({
  /** Listener name. */
  name: t.string,
  host: t.string,
  port: t.uint16,
});

export const request = t.struct({
  ...v0.request.fields,
  topics: t.array(TopicData),
  leaderEndpoints: t.array(LeaderEndpoint),
});

export const NodeEndpoint = t.struct({
  nodeId: t.int32,
  host: t.string,
  port: t.uint16,
});

export const response = t.struct({
  ...v0.response.fields,
  nodeEndpoints: t.tagged(0, t.array(NodeEndpoint)),
});
