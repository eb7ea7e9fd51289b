// Results name the epoch the end offset belongs to (KIP-279).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const EpochEndOffset = t.struct(insertAfter(v0.EpochEndOffset.fields, 'partition', { leaderEpoch: t.withDefault(t.int32, -1) }));

export const OffsetForLeaderTopicResult = t.struct({
  ...v0.OffsetForLeaderTopicResult.fields,
  partitions: t.array(EpochEndOffset),
});

export const response = t.struct({ topics: t.array(OffsetForLeaderTopicResult) });
