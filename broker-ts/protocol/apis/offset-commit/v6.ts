// Committed offsets carry the leader epoch of the record they follow (KIP-320).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v5 from './v5.js';

export * from './v5.js';

export const OffsetCommitRequestPartition = t.struct(
  insertAfter(v5.OffsetCommitRequestPartition.fields, 'committedOffset', {
    committedLeaderEpoch: t.withDefault(t.int32, -1),
  }),
);

export const OffsetCommitRequestTopic = t.struct({
  ...v5.OffsetCommitRequestTopic.fields,
  partitions: t.array(OffsetCommitRequestPartition),
});

export const request = t.struct({ ...v5.request.fields, topics: t.array(OffsetCommitRequestTopic) });
