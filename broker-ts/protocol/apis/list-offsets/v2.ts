// Isolation level for transactional reads; responses carry the throttle time.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const request = t.struct(insertAfter(v1.request.fields, 'replicaId', { isolationLevel: t.int8 }));

export const response = t.struct({ throttleTimeMs: t.int32, ...v1.response.fields });
