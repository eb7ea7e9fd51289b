import * as t from '../../schema/types.js';

export const request = t.struct({
  transactionalId: t.string,
  producerId: t.int64,
  producerEpoch: t.int16,
  groupId: t.string,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
});
