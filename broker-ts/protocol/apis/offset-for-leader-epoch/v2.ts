// The caller's view of the current leader epoch, for fencing (KIP-320); throttle time in responses.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const OffsetForLeaderPartition = t.struct(
  insertAfter(v1.OffsetForLeaderPartition.fields, 'partition', { currentLeaderEpoch: t.withDefault(t.int32, -1) }),
);

export const OffsetForLeaderTopic = t.struct({
  ...v1.OffsetForLeaderTopic.fields,
  partitions: t.array(OffsetForLeaderPartition),
});

export const request = t.struct({ topics: t.array(OffsetForLeaderTopic) });

export const response = t.struct({ throttleTimeMs: t.int32, ...v1.response.fields });
