// Feature control (KRaft's FeatureControlManager): the finalized feature levels a new cluster
// starts with, and UpdateFeatures checked against what every node supports and planned as
// FeatureLevelRecords. broker-ts nodes all run the same software, so what this node supports is
// what every node supports.
import { ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import { BOOTSTRAP_FEATURE_LEVELS, ELIGIBLE_LEADER_REPLICAS_VERSION, METADATA_VERSION, SUPPORTED_FEATURES } from './features.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType } from './metadata-records.js';

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

/** eligible.leader.replicas.version 1 needs metadata.version 4.0-IV1 or later (Kafka's feature dependency). */
const ELR_MINIMUM_METADATA_VERSION = 23;

const MIN_INSYNC_REPLICAS = 'min.insync.replicas';

export class FeatureControl {
  constructor(
    private readonly image: MetadataImage,
    private readonly nodeId: number,
    /** This controller's own min.insync.replicas (its configuration file, else the default). */
    private readonly staticMinInsyncReplicas: () => string,
  ) {}

  /**
   * The records that give a cluster without a metadata.version its starting levels; none once it
   * has one. With eligible leader replicas on, also the cluster-wide min.insync.replicas they
   * depend on, as `kafka-storage format` writes it.
   */
  bootstrapRecords(): MetadataRecord[] {
    if (this.image.finalizedFeatures().has(METADATA_VERSION)) return [];
    const levels: MetadataRecord[] = [...BOOTSTRAP_FEATURE_LEVELS].map(([name, featureLevel]) => ({ type: 'FeatureLevel', data: { name, featureLevel } }));
    return (BOOTSTRAP_FEATURE_LEVELS.get(ELIGIBLE_LEADER_REPLICAS_VERSION) ?? 0) >= 1 ? [...levels, ...this.elrSafetyRecords()] : levels;
  }

  /**
   * Every update checked in request order; the first refusal refuses the whole request, as Kafka
   * answers UpdateFeatures with one error. A level equal to the current one is accepted.
   */
  planUpdates(updates: readonly FeatureUpdate[]): MetadataRecord[] {
    const proposed = new Map(this.image.finalizedFeatures());
    for (const update of updates) proposed.set(update.feature, update.maxVersionLevel);
    const records: MetadataRecord[] = [];
    for (const update of updates) records.push(...this.planUpdate(update, proposed));
    // Turning eligible leader replicas on makes min.insync.replicas cluster-wide (Kafka's ELR safety records).
    const elrBefore = this.image.finalizedFeatures().get(ELIGIBLE_LEADER_REPLICAS_VERSION) ?? 0;
    if (elrBefore === 0 && (proposed.get(ELIGIBLE_LEADER_REPLICAS_VERSION) ?? 0) >= 1) records.push(...this.elrSafetyRecords());
    return records;
  }

  /** A cluster-level min.insync.replicas where there is none (this controller's own value), and no broker-level ones. */
  private elrSafetyRecords(): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    const config = (resourceName: string, value: string | null): MetadataRecord => ({
      type: 'Config',
      data: { resourceType: ConfigResourceType.BROKER, resourceName, name: MIN_INSYNC_REPLICAS, value },
    });
    if (!this.image.brokerConfigs('').has(MIN_INSYNC_REPLICAS)) records.push(config('', this.staticMinInsyncReplicas()));
    for (const broker of this.image.brokers()) {
      if (this.image.brokerConfigs(String(broker.id)).has(MIN_INSYNC_REPLICAS)) records.push(config(String(broker.id), null));
    }
    return records;
  }

  private planUpdate({ feature, maxVersionLevel: level, upgradeType }: FeatureUpdate, proposed: ReadonlyMap<string, number>): MetadataRecord[] {
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
    if (feature === ELIGIBLE_LEADER_REPLICAS_VERSION && level >= 1 && (proposed.get(METADATA_VERSION) ?? 0) < ELR_MINIMUM_METADATA_VERSION) {
      throw refuse(`${feature} could not be set to ${level} because it depends on ${METADATA_VERSION} level ${ELR_MINIMUM_METADATA_VERSION}`);
    }
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
