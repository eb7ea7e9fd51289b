// Feature control (KRaft's FeatureControlManager): the finalized feature levels a new cluster
// starts with, and UpdateFeatures checked against what every node supports and planned as
// FeatureLevelRecords. broker-ts nodes all run the same software, so what this node supports is
// what every node supports.
import { ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import { BOOTSTRAP_FEATURE_LEVELS, METADATA_VERSION, SUPPORTED_FEATURES } from './features.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';

/** UpdateFeatures v1+'s upgrade types (KIP-778); v0's allowDowngrade maps to SAFE_DOWNGRADE. */
export const UpgradeType = { UPGRADE: 1, SAFE_DOWNGRADE: 2, UNSAFE_DOWNGRADE: 3 } as const;

export interface FeatureUpdate {
  feature: string;
  maxVersionLevel: number;
  upgradeType: number;
}

/**
 * The metadata.version levels whose records differ from the level below (Kafka 4.4's
 * MetadataVersion.didMetadataChange). A safe downgrade must not cross one: records the lower level
 * cannot hold would be lost.
 */
const METADATA_CHANGED_AT = new Set([7, 8, 11, 13, 14, 15, 17, 23, 30, 32, 33]);

export class FeatureControl {
  constructor(
    private readonly image: MetadataImage,
    private readonly nodeId: number,
  ) {}

  /** The records that give a cluster without a metadata.version its starting levels; none once it has one. */
  bootstrapRecords(): MetadataRecord[] {
    if (this.image.finalizedFeatures().has(METADATA_VERSION)) return [];
    return [...BOOTSTRAP_FEATURE_LEVELS].map(([name, featureLevel]) => ({ type: 'FeatureLevel', data: { name, featureLevel } }));
  }

  /**
   * Every update checked in request order; the first refusal refuses the whole request, as Kafka
   * answers UpdateFeatures with one error. A level equal to the current one is accepted.
   */
  planUpdates(updates: readonly FeatureUpdate[]): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    for (const update of updates) records.push(...this.planUpdate(update));
    return records;
  }

  private planUpdate({ feature, maxVersionLevel: level, upgradeType }: FeatureUpdate): MetadataRecord[] {
    const refuse = (reason: string) => new ApiError(ErrorCode.INVALID_UPDATE_VERSION, `Invalid update version ${level} for feature ${feature}. ${reason}`);
    if (!Object.values(UpgradeType).includes(upgradeType as never)) throw refuse('The controller does not support the given upgrade type.');
    const current = this.image.finalizedFeatures().get(feature) ?? 0;
    if (level < 0) throw refuse('A feature version cannot be less than 0.');
    // A feature a node does not know is supported by it at level 0 only, as Kafka's QuorumFeatures.
    const supported = SUPPORTED_FEATURES.get(feature) ?? { minVersion: 0, maxVersion: 0 };
    const notSupported = (who: string) =>
      level >= supported.minVersion && level <= supported.maxVersion
        ? undefined
        : supported.maxVersion === 0
          ? `${who} does not support this feature.`
          : `${who} only supports versions ${supported.minVersion}-${supported.maxVersion}`;
    const localReason = notSupported(`Local controller ${this.nodeId}`);
    if (localReason !== undefined) throw refuse(localReason);
    for (const broker of [...this.image.brokers()].sort((a, b) => a.id - b.id)) {
      const reason = notSupported(`Broker ${broker.id}`);
      if (reason !== undefined) throw refuse(reason);
    }
    if (level < current && upgradeType === UpgradeType.UPGRADE) {
      throw refuse("Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.");
    }
    if (level > current && upgradeType !== UpgradeType.UPGRADE) throw refuse("Can't downgrade to a newer version.");
    if (feature === METADATA_VERSION) this.checkMetadataVersionChange(current, level, upgradeType);
    else if (!SUPPORTED_FEATURES.has(feature)) throw refuse(`Feature ${feature} not found.`);
    return [{ type: 'FeatureLevel', data: { name: feature, featureLevel: level } }];
  }

  private checkMetadataVersionChange(current: number, level: number, upgradeType: number): void {
    if (level >= current) return;
    const refuse = (reason: string) =>
      new ApiError(ErrorCode.INVALID_UPDATE_VERSION, `Unsupported metadata.version downgrade from ${current} to ${level}. ${reason}`);
    if (upgradeType === UpgradeType.UNSAFE_DOWNGRADE) throw refuse('Unsafe metadata downgrade is not supported in this version.');
    for (let crossed = level + 1; crossed <= current; crossed++) {
      if (METADATA_CHANGED_AT.has(crossed)) throw refuse('Refusing to perform the requested downgrade because it might delete metadata information.');
    }
  }
}
