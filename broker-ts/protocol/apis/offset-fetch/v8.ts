// Several groups per request (KIP-709).
import * as t from '../../schema/types.js';
import * as v7 from './v7.js';

export * from './v7.js';

export const OffsetFetchRequestGroup = t.struct({
  groupId: t.string,
  topics: t.nullableArray(v7.OffsetFetchRequestTopic),
});

export const request = t.struct({
  groups: t.array(OffsetFetchRequestGroup),
  requireStable: t.bool,
});

export const OffsetFetchResponseGroup = t.struct({
  groupId: t.string,
  topics: t.array(v7.OffsetFetchResponseTopic),
  errorCode: t.int16,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  groups: t.array(OffsetFetchResponseGroup),
});
