// Several keys per request (KIP-699).
import * as t from '../../schema/types.js';

export * from './v3.js';

export const request = t.struct({
  keyType: t.int8,
  coordinatorKeys: t.array(t.string),
});

export const Coordinator = t.struct({
  key: t.string,
  nodeId: t.int32,
  host: t.string,
  port: t.int32,
  errorCode: t.int16,
  errorMessage: t.nullableString,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  coordinators: t.array(Coordinator),
});
