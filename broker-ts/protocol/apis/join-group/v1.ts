// Rebalance timeout separate from the session timeout (KIP-62).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const request = t.struct(insertAfter(v0.request.fields, 'sessionTimeoutMs', { rebalanceTimeoutMs: t.withDefault(t.int32, -1) }));
