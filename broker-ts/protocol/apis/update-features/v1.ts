// KIP-778: an upgrade type (1 upgrade, 2 safe downgrade, 3 unsafe downgrade) replaces
// allowDowngrade, and the request may be only validated.
import * as t from '../../schema/types.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const FeatureUpdateKey = t.struct({
  feature: t.string,
  maxVersionLevel: t.int16,
  upgradeType: t.withDefault(t.int8, 1),
});

export const request = t.struct({
  timeoutMs: v0.request.fields.timeoutMs,
  featureUpdates: t.array(FeatureUpdateKey),
  validateOnly: t.withDefault(t.bool, false),
});
