// Voters are identified by id and directory id; responses carry leader endpoints (KIP-853).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const PartitionData = t.struct(
  insertAfter(v0.PartitionData.fields, 'replicaId', {
    replicaDirectoryId: t.uuid,
    voterDirectoryId: t.uuid,
  }),
);

export const TopicData = t.struct({ ...v0.TopicData.fields, partitions: t.array(PartitionData) });

export const request = t.struct(
  insertAfter({ ...v0.request.fields, topics: t.array(TopicData) }, 'clusterId', {
    voterId: t.withDefault(t.int32, -1),
  }),
);

export const NodeEndpoint = t.struct({
  nodeId: t.int32,
  host: t.string,
  port: t.uint16,
});

export const response = t.struct({
  ...v0.response.fields,
  nodeEndpoints: t.tagged(0, t.array(NodeEndpoint)),
});
