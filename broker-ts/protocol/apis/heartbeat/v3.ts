// Static membership (KIP-345).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct({ ...v2.request.fields, groupInstanceId: t.withDefault(t.nullableString, null) });
