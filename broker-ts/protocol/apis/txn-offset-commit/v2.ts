// Committed offsets carry the leader epoch of the record they follow (KIP-320).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const TxnOffsetCommitRequestPartition = t.struct(
  insertAfter(v1.TxnOffsetCommitRequestPartition.fields, 'committedOffset', {
    committedLeaderEpoch: t.withDefault(t.int32, -1),
  }),
);

export const TxnOffsetCommitRequestTopic = t.struct({
  ...v1.TxnOffsetCommitRequestTopic.fields,
  partitions: t.array(TxnOffsetCommitRequestPartition),
});

export const request = t.struct({ ...v1.request.fields, topics: t.array(TxnOffsetCommitRequestTopic) });
