// Members show their static instance id (KIP-345).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v3 from './v3.js';

export * from './v3.js';

export const DescribedGroupMember = t.struct(
  insertAfter(v3.DescribedGroupMember.fields, 'memberId', { groupInstanceId: t.withDefault(t.nullableString, null) }),
);

export const DescribedGroup = t.struct({ ...v3.DescribedGroup.fields, members: t.array(DescribedGroupMember) });

export const response = t.struct({ ...v3.response.fields, groups: t.array(DescribedGroup) });
