// Static membership (KIP-345).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const request = t.struct(insertAfter(v4.request.fields, 'memberId', { groupInstanceId: t.withDefault(t.nullableString, null) }));

export const JoinGroupResponseMember = t.struct(
  insertAfter(v4.JoinGroupResponseMember.fields, 'memberId', { groupInstanceId: t.withDefault(t.nullableString, null) }),
);

export const response = t.struct({ ...v4.response.fields, members: t.array(JoinGroupResponseMember) });
