import * as t from '../../schema/types.js';

export const request = t.struct({
  groups: t.array(t.string),
});

export const DescribedGroupMember = t.struct({
  memberId: t.string,
  clientId: t.string,
  clientHost: t.string,
  memberMetadata: t.bytes,
  memberAssignment: t.bytes,
});

export const DescribedGroup = t.struct({
  errorCode: t.int16,
  groupId: t.string,
  groupState: t.string,
  protocolType: t.string,
  protocolData: t.string,
  members: t.array(DescribedGroupMember),
});

export const response = t.struct({
  groups: t.array(DescribedGroup),
});
