// The leader may be told to skip assignment because the broker computes it (KIP-848 migration).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v8 from './v8.js';

export * from './v8.js';

export const response = t.struct(insertAfter(v8.response.fields, 'leader', { skipAssignment: t.bool }));
