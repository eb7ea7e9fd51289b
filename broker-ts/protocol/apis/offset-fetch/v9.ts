// KIP-848 consumers identify themselves with member id and epoch.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v8 from './v8.js';

export * from './v8.js';

export const OffsetFetchRequestGroup = t.struct(
  insertAfter(v8.OffsetFetchRequestGroup.fields, 'groupId', {
    memberId: t.withDefault(t.nullableString, null),
    memberEpoch: t.withDefault(t.int32, -1),
  }),
);

export const request = t.struct({ ...v8.request.fields, groups: t.array(OffsetFetchRequestGroup) });
