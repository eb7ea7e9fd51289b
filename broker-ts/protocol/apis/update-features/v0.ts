// Changes the cluster's finalized feature levels (KIP-584), what `kafka-features upgrade` and
// `downgrade` send. Served by the active controller.
import * as t from '../../schema/types.js';

export const FeatureUpdateKey = t.struct({
  feature: t.string,
  /** Below 1 asks for the feature to be disabled. */
  maxVersionLevel: t.int16,
  allowDowngrade: t.bool,
});

export const request = t.struct({
  timeoutMs: t.withDefault(t.int32, 60_000),
  featureUpdates: t.array(FeatureUpdateKey),
});

export const UpdatableFeatureResult = t.struct({
  feature: t.string,
  errorCode: t.int16,
  errorMessage: t.nullableString,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  errorMessage: t.nullableString,
  results: t.array(UpdatableFeatureResult),
});
