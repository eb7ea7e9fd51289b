// Several members leave at once, identified by member id and static instance id (KIP-345).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const MemberIdentity = t.struct({
  memberId: t.string,
  groupInstanceId: t.withDefault(t.nullableString, null),
});

export const request = t.struct({
  groupId: t.string,
  members: t.array(MemberIdentity),
});

export const MemberResponse = t.struct({
  memberId: t.string,
  groupInstanceId: t.nullableString,
  errorCode: t.int16,
});

export const response = t.struct({ ...v2.response.fields, members: t.array(MemberResponse) });
