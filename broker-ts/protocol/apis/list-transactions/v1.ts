// Only transactions running longer than durationFilter milliseconds (KIP-994); negative: all.
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const request = t.struct({ ...v0.request.fields, durationFilter: t.withDefault(t.int64, -1n) });
