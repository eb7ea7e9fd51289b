// The response carries the throttle time.
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const response = t.struct({ throttleTimeMs: t.int32, ...v1.response.fields });
