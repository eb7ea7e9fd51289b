// A broker asks the controller for a block of producer ids (KIP-730); flexible from its first version.
import * as t from '../../schema/types.js';

export const request = t.struct({
  brokerId: t.int32,
  brokerEpoch: t.withDefault(t.int64, -1n),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  producerIdStart: t.int64,
  producerIdLen: t.int32,
});
