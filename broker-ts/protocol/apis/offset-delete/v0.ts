import * as t from '../../schema/types.js';

export const request = t.struct({
  groupId: t.string,
  topics: t.array(
    t.struct({
      name: t.string,
      partitions: t.array(t.struct({ partitionIndex: t.int32 })),
    }),
  ),
});

export const response = t.struct({
  errorCode: t.int16,
  throttleTimeMs: t.int32,
  topics: t.array(
    t.struct({
      name: t.string,
      partitions: t.array(t.struct({ partitionIndex: t.int32, errorCode: t.int16 })),
    }),
  ),
});
