// Error messages, replica directory ids and the voters' listeners (KIP-853).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const ReplicaState = t.struct(insertAfter(v1.ReplicaState.fields, 'replicaId', { replicaDirectoryId: t.uuid }));

export const PartitionDataResponse = t.struct({
  ...insertAfter(v1.PartitionDataResponse.fields, 'errorCode', { errorMessage: t.nullableString }),
  currentVoters: t.array(ReplicaState),
  observers: t.array(ReplicaState),
});

export const TopicDataResponse = t.struct({ ...v1.TopicDataResponse.fields, partitions: t.array(PartitionDataResponse) });

export const Listener = t.struct({
  name: t.string,
  host: t.string,
  port: t.uint16,
});

export const Node = t.struct({
  nodeId: t.int32,
  listeners: t.array(Listener),
});

export const response = t.struct({
  ...insertAfter(v1.response.fields, 'errorCode', { errorMessage: t.nullableString }),
  topics: t.array(TopicDataResponse),
  nodes: t.array(Node),
});
