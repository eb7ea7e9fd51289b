import * as t from '../../schema/types.js';

export const request = t.struct({
  groupsNames: t.array(t.string),
});

export const DeletableGroupResult = t.struct({
  groupId: t.string,
  errorCode: t.int16,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  results: t.array(DeletableGroupResult),
});
