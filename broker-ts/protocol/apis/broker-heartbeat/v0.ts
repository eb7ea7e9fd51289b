// A registered KRaft broker's liveness and metadata progress (KIP-631); flexible from its first
// version.
import * as t from '../../schema/types.js';

export const request = t.struct({
  brokerId: t.int32,
  brokerEpoch: t.withDefault(t.int64, -1n),
  currentMetadataOffset: t.int64,
  wantFence: t.bool,
  wantShutDown: t.bool,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  isCaughtUp: t.bool,
  isFenced: t.withDefault(t.bool, true),
  shouldShutDown: t.bool,
});
