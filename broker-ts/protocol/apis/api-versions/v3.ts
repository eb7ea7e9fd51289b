// First flexible version (body only: ApiVersions responses keep header v0). Clients name their
// software (KIP-511); brokers report feature flags as tagged fields (KIP-584).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct({
  clientSoftwareName: t.string,
  clientSoftwareVersion: t.string,
});

export const SupportedFeatureKey = t.struct({
  name: t.string,
  minVersion: t.int16,
  maxVersion: t.int16,
});

export const FinalizedFeatureKey = t.struct({
  name: t.string,
  maxVersionLevel: t.int16,
  minVersionLevel: t.int16,
});

export const response = t.struct({
  ...v2.response.fields,
  supportedFeatures: t.tagged(0, t.array(SupportedFeatureKey)),
  finalizedFeaturesEpoch: t.tagged(1, t.int64, -1n),
  finalizedFeatures: t.tagged(2, t.array(FinalizedFeatureKey)),
  zkMigrationReady: t.tagged(3, t.bool, false),
});
