// The response carries the throttle time.
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const response = t.struct({ throttleTimeMs: t.int32, ...v2.response.fields });
