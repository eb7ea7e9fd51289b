// Committed offsets come with their leader epoch (KIP-320).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const OffsetFetchResponsePartition = t.struct(
  insertAfter(v4.OffsetFetchResponsePartition.fields, 'committedOffset', {
    committedLeaderEpoch: t.withDefault(t.int32, -1),
  }),
);

export const OffsetFetchResponseTopic = t.struct({
  ...v4.OffsetFetchResponseTopic.fields,
  partitions: t.array(OffsetFetchResponsePartition),
});

export const response = t.struct({ ...v4.response.fields, topics: t.array(OffsetFetchResponseTopic) });
