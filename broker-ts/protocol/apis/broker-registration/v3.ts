// The broker names its previous epoch after a clean shutdown (KIP-966).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct({ ...v2.request.fields, previousBrokerEpoch: t.withDefault(t.int64, -1n) });
