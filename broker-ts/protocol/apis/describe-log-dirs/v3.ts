// A top-level error code.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const response = t.struct(insertAfter(v2.response.fields, 'throttleTimeMs', { errorCode: t.int16 }));
