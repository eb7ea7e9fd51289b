// The broker says how long the authenticated session lasts (KIP-368).
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const response = t.struct({ ...v0.response.fields, sessionLifetimeMs: t.int64 });
