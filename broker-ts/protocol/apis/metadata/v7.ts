// Partitions carry their leader epoch (KIP-320).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v6 from './v6.js';

export * from './v6.js';

export const MetadataResponsePartition = t.struct(insertAfter(v6.MetadataResponsePartition.fields, 'leaderId', { leaderEpoch: t.withDefault(t.int32, -1) }));

export const MetadataResponseTopic = t.struct({
  ...v6.MetadataResponseTopic.fields,
  partitions: t.array(MetadataResponsePartition),
});

export const response = t.struct({ ...v6.response.fields, topics: t.array(MetadataResponseTopic) });
