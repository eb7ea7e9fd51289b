// First flexible version: voter directory ids and leader endpoints (KIP-853).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const PartitionData = t.struct(insertAfter(v0.PartitionData.fields, 'partitionIndex', { voterDirectoryId: t.uuid }));

export const TopicData = t.struct({ ...v0.TopicData.fields, partitions: t.array(PartitionData) });

export const LeaderEndpoint = t.struct({
  /** Listener name. */
  name: t.string,
  host: t.string,
  port: t.uint16,
});

export const request = t.struct({
  ...insertAfter(v0.request.fields, 'clusterId', { voterId: t.withDefault(t.int32, -1) }),
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
