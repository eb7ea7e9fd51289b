// Static membership (KIP-345).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct(insertAfter(v2.request.fields, 'memberId', { groupInstanceId: t.withDefault(t.nullableString, null) }));
