// Each member's type: 0 classic, 1 consumer (-1 unknown).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const Member = t.struct(insertAfter(v0.Member.fields, 'targetAssignment', { memberType: t.withDefault(t.int8, -1) }));

export const DescribedGroup = t.struct({ ...v0.DescribedGroup.fields, members: t.array(Member) });

export const response = t.struct({ ...v0.response.fields, groups: t.array(DescribedGroup) });
