// A KRaft broker registers with the controller quorum (KIP-631); flexible from its first version.
import * as t from '../../schema/types.js';

export const Listener = t.struct({
  name: t.string,
  host: t.string,
  port: t.uint16,
  securityProtocol: t.int16,
});

export const Feature = t.struct({
  name: t.string,
  minSupportedVersion: t.int16,
  maxSupportedVersion: t.int16,
});

export const request = t.struct({
  brokerId: t.int32,
  clusterId: t.string,
  /** Random per process start, so the controller can tell a restart from a duplicate. */
  incarnationId: t.uuid,
  listeners: t.array(Listener),
  features: t.array(Feature),
  rack: t.nullableString,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  brokerEpoch: t.withDefault(t.int64, -1n),
});
