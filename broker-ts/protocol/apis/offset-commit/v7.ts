// Static membership (KIP-345).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v6 from './v6.js';

export * from './v6.js';

export const request = t.struct(insertAfter(v6.request.fields, 'memberId', { groupInstanceId: t.withDefault(t.nullableString, null) }));
