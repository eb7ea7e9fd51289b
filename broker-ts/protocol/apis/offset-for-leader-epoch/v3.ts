// Followers name themselves; consumers send -1, and -2 stands for "not given" (older callers).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct({ replicaId: t.withDefault(t.int32, -2), ...v2.request.fields });
