import * as t from '../../schema/types.js';

export const request = t.struct({
  transactionalId: t.string,
  producerId: t.int64,
  producerEpoch: t.int16,
  /** True to commit, false to abort. */
  committed: t.bool,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
});
