// Followers identify themselves with a tagged ReplicaState (id and broker epoch) instead of
// replicaId (KIP-903).
import * as t from '../../schema/types.js';
import { replaceField } from '../../schema/fields.js';
import * as v14 from './v14.js';

export * from './v14.js';

export const ReplicaState = t.struct({
  replicaId: t.withDefault(t.int32, -1),
  replicaEpoch: t.withDefault(t.int64, -1n),
});

export const request = t.struct(replaceField(v14.request.fields, 'replicaId', { replicaState: t.tagged(1, ReplicaState) }));
