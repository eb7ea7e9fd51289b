// A client may name the cluster and node it means to reach (KIP-1242); a broker that is not that
// node of that cluster answers REBOOTSTRAP_REQUIRED, so a client whose metadata points at a reused
// address goes back to its bootstrap servers. Both or neither must be given (INVALID_REQUEST).
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const request = t.struct({
  ...v4.request.fields,
  clusterId: t.withDefault(t.nullableString, null),
  nodeId: t.withDefault(t.int32, -1),
});
