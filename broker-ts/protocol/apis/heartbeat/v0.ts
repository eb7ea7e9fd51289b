import * as t from '../../schema/types.js';

export const request = t.struct({
  groupId: t.string,
  generationId: t.int32,
  memberId: t.string,
});

export const response = t.struct({
  errorCode: t.int16,
});
