// UpdateFeatures (key 57): what `kafka-features upgrade`, `downgrade` and `disable` send. Served by
// the active controller (other nodes forward it there); one error answers for the whole request.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { errorCodeOf, errorMessageOf } from '../errors/api-error.js';
import { UpgradeType } from '../metadata/feature-control.js';
import { defineHandler } from '../server/api-handler.js';

export const updateFeaturesHandler = defineHandler({
  apiKey: ApiKey.UpdateFeatures,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const updates = body.featureUpdates.map((u) => ({
      feature: u.feature,
      maxVersionLevel: u.maxVersionLevel,
      // v0 says only whether a downgrade is allowed; Kafka reads that as a safe downgrade.
      upgradeType: u.upgradeType ?? (u.allowDowngrade === true ? UpgradeType.SAFE_DOWNGRADE : UpgradeType.UPGRADE),
    }));
    try {
      await broker.controller.updateFeatures(updates, body.validateOnly ?? false);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        // Kafka fills each result's message with the error's name, NONE included.
        results: updates.map((u) => ({ feature: u.feature, errorCode: ErrorCode.NONE, errorMessage: 'NONE' })),
      };
    } catch (error) {
      return {
        throttleTimeMs: 0,
        errorCode: errorCodeOf(error),
        // Kafka's controller says the one error stopped every update, and lists no results.
        errorMessage: `The update failed for all features since the following feature had an error: ${errorMessageOf(error)}`,
        results: [],
      };
    }
  },
});
