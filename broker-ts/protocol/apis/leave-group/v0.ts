import * as t from '../../schema/types.js';

export const request = t.struct({
  groupId: t.string,
  memberId: t.string,
});

export const response = t.struct({
  errorCode: t.int16,
});
