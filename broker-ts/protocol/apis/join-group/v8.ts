// Members may say why they (re)join (KIP-800).
import * as t from '../../schema/types.js';
import * as v7 from './v7.js';

export * from './v7.js';

export const request = t.struct({ ...v7.request.fields, reason: t.withDefault(t.nullableString, null) });
