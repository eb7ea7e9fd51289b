// The response carries the throttle time.
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const response = t.struct({ throttleTimeMs: t.int32, ...v0.response.fields });
