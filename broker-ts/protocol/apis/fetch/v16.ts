// NOT_LEADER_OR_FOLLOWER answers can carry the new leader's endpoint (KIP-951).
import * as t from '../../schema/types.js';
import * as v15 from './v15.js';

export * from './v15.js';

export const NodeEndpoint = t.struct({
  nodeId: t.int32,
  host: t.string,
  port: t.int32,
  rack: t.withDefault(t.nullableString, null),
});

export const response = t.struct({
  ...v15.response.fields,
  nodeEndpoints: t.tagged(0, t.array(NodeEndpoint)),
});
