// Consumers may ask to wait for pending transactional commits (KIP-447).
import * as t from '../../schema/types.js';
import * as v6 from './v6.js';

export * from './v6.js';

export const request = t.struct({ ...v6.request.fields, requireStable: t.bool });
