import * as t from '../../schema/types.js';

export const request = t.struct({});

export const ListedGroup = t.struct({
  groupId: t.string,
  protocolType: t.string,
});

export const response = t.struct({
  errorCode: t.int16,
  groups: t.array(ListedGroup),
});
