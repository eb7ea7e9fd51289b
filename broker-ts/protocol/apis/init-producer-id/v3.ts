// A producer may present its current id and epoch to resume after INVALID_PRODUCER_EPOCH (KIP-360).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct({
  ...v2.request.fields,
  producerId: t.withDefault(t.int64, -1n),
  producerEpoch: t.withDefault(t.int16, -1),
});
