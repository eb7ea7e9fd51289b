// Partitions list their offline replicas.
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const MetadataResponsePartition = t.struct({
  ...v4.MetadataResponsePartition.fields,
  offlineReplicas: t.array(t.int32),
});

export const MetadataResponseTopic = t.struct({
  ...v4.MetadataResponseTopic.fields,
  partitions: t.array(MetadataResponsePartition),
});

export const response = t.struct({ ...v4.response.fields, topics: t.array(MetadataResponseTopic) });
