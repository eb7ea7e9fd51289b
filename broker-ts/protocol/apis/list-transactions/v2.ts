// Only transactional ids matching a regular expression (KIP-1152); null or empty: all.
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const request = t.struct({ ...v1.request.fields, transactionalIdPattern: t.withDefault(t.nullableString, null) });
