// Coordinators of transactions as well as groups; responses gain throttle time and an error message.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

/** 0 = consumer group, 1 = transaction, 2 = share group (v6+). */
export const request = t.struct({ ...v0.request.fields, keyType: t.int8 });

export const response = t.struct({
  throttleTimeMs: t.int32,
  ...insertAfter(v0.response.fields, 'errorCode', { errorMessage: t.nullableString }),
});
