import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@kafka-chaos/protocol';
import { apiRefusal as refusal } from '../testing/api-refusal.js';
import { FeatureControl, UpgradeType } from './feature-control.js';
import { METADATA_VERSION_LEVELS } from './features.js';
import { MetadataDelta, MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';

const LATEST = METADATA_VERSION_LEVELS['4.4-IV2'];

function cluster(): { image: MetadataImage; control: FeatureControl; apply(records: readonly MetadataRecord[]): void } {
  const image = new MetadataImage();
  let offset = 0n;
  const apply = (records: readonly MetadataRecord[]) => records.forEach((r) => image.apply(r, offset++, new MetadataDelta()));
  apply([
    {
      type: 'RegisterBroker',
      data: { brokerId: 2, incarnationId: 'Xq4c5oYtQ6uJdR6y2a1x3w', brokerEpoch: 0n, endPoints: [], rack: null, fenced: false },
    },
  ]);
  return { image, control: new FeatureControl(image, 1, () => '2'), apply };
}

describe('feature control', () => {
  it('finalizes metadata.version at the latest level, the consumer group protocol and eligible leader replicas on, once, and nothing else a new cluster would turn on', () => {
    const { image, control, apply } = cluster();
    // With ELR on, min.insync.replicas becomes cluster-wide: this controller's own value, as `kafka-storage format` writes it.
    expect(control.bootstrapRecords()).toEqual([
      { type: 'FeatureLevel', data: { name: 'metadata.version', featureLevel: LATEST } },
      { type: 'FeatureLevel', data: { name: 'group.version', featureLevel: 1 } },
      { type: 'FeatureLevel', data: { name: 'eligible.leader.replicas.version', featureLevel: 1 } },
      { type: 'Config', data: { resourceType: 4, resourceName: '', name: 'min.insync.replicas', value: '2' } },
    ]);
    apply(control.bootstrapRecords());
    expect([...image.finalizedFeatures()]).toEqual([
      ['metadata.version', LATEST],
      ['group.version', 1],
      ['eligible.leader.replicas.version', 1],
    ]);
    expect(control.bootstrapRecords()).toEqual([]);
  });

  it('accepts metadata.version at its own level, and writes it again', () => {
    const { control, apply } = cluster();
    apply(control.bootstrapRecords());
    expect(control.planUpdates([{ feature: 'metadata.version', maxVersionLevel: LATEST, upgradeType: UpgradeType.UPGRADE }])).toEqual([
      { type: 'FeatureLevel', data: { name: 'metadata.version', featureLevel: LATEST } },
    ]);
  });

  it('refuses what Kafka refuses, with its messages, and the whole request for one refusal', () => {
    const { control, apply } = cluster();
    apply(control.bootstrapRecords());
    const update =
      (feature: string, maxVersionLevel: number, upgradeType: number = UpgradeType.UPGRADE) =>
      () =>
        control.planUpdates([{ feature, maxVersionLevel, upgradeType }]);
    const invalid = (message: string) => ({ code: ErrorCode.INVALID_UPDATE_VERSION, message });
    expect(refusal(update('share.version', 1))).toEqual(
      invalid('Invalid update version 1 for feature share.version. Local controller 1 does not support this feature.'),
    );
    expect(refusal(update('metadata.version', LATEST + 1))).toEqual(
      invalid(`Invalid update version ${LATEST + 1} for feature metadata.version. Local controller 1 only supports versions 7-${LATEST}`),
    );
    expect(refusal(update('metadata.version', 30, UpgradeType.SAFE_DOWNGRADE))).toEqual(
      invalid(
        `Unsupported metadata.version downgrade from ${LATEST} to 30. Refusing to perform the requested downgrade because it might delete metadata information.`,
      ),
    );
    expect(refusal(update('metadata.version', 30, UpgradeType.UNSAFE_DOWNGRADE))).toEqual(
      invalid(`Unsupported metadata.version downgrade from ${LATEST} to 30. Unsafe metadata downgrade is not supported in this version.`),
    );
    expect(refusal(update('metadata.version', 30))).toEqual(
      invalid(
        "Invalid update version 30 for feature metadata.version. Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.",
      ),
    );
    expect(refusal(update('metadata.version', LATEST, 9))).toEqual(
      invalid(`Invalid update version ${LATEST} for feature metadata.version. The controller does not support the given upgrade type.`),
    );
    expect(refusal(update('no.such', 0, UpgradeType.SAFE_DOWNGRADE))).toEqual(
      invalid('Invalid update version 0 for feature no.such. Feature no.such not found.'),
    );
    expect(refusal(update('no.such', -1, UpgradeType.SAFE_DOWNGRADE))).toEqual(
      invalid('Invalid update version -1 for feature no.such. A feature version cannot be less than 0.'),
    );
    expect(
      refusal(() =>
        control.planUpdates([
          { feature: 'metadata.version', maxVersionLevel: LATEST, upgradeType: UpgradeType.UPGRADE },
          { feature: 'share.version', maxVersionLevel: 1, upgradeType: UpgradeType.UPGRADE },
        ]),
      ).code,
    ).toBe(ErrorCode.INVALID_UPDATE_VERSION);
  });

  it('allows a safe metadata.version downgrade that crosses no change of the record format', () => {
    const { control, apply } = cluster();
    apply([{ type: 'FeatureLevel', data: { name: 'metadata.version', featureLevel: 29 } }]);
    // 4.2-IV1 (29) to 4.1-IV0 (26): none of 27, 28 and 29 changed the records.
    expect(control.planUpdates([{ feature: 'metadata.version', maxVersionLevel: 26, upgradeType: UpgradeType.SAFE_DOWNGRADE }])).toHaveLength(1);
  });

  it('turns eligible leader replicas on only above metadata.version 4.0-IV1, and then makes min.insync.replicas cluster-wide', () => {
    const { image, control, apply } = cluster();
    apply([
      { type: 'FeatureLevel', data: { name: 'metadata.version', featureLevel: 22 } },
      { type: 'Config', data: { resourceType: 4, resourceName: '2', name: 'min.insync.replicas', value: '3' } },
    ]);
    const elr = { feature: 'eligible.leader.replicas.version', maxVersionLevel: 1, upgradeType: UpgradeType.UPGRADE };
    expect(refusal(() => control.planUpdates([elr]))).toEqual({
      code: ErrorCode.INVALID_UPDATE_VERSION,
      message:
        'Invalid update version 1 for feature eligible.leader.replicas.version. eligible.leader.replicas.version could not be set to 1 because it depends on metadata.version level 23',
    });
    // Both in one request: the new metadata.version counts.
    expect(control.planUpdates([{ feature: 'metadata.version', maxVersionLevel: 23, upgradeType: UpgradeType.UPGRADE }, elr])).toEqual([
      { type: 'FeatureLevel', data: { name: 'metadata.version', featureLevel: 23 } },
      { type: 'FeatureLevel', data: { name: 'eligible.leader.replicas.version', featureLevel: 1 } },
      { type: 'Config', data: { resourceType: 4, resourceName: '', name: 'min.insync.replicas', value: '2' } },
      { type: 'Config', data: { resourceType: 4, resourceName: '2', name: 'min.insync.replicas', value: null } },
    ]);
    expect(image.finalizedFeatures().get('eligible.leader.replicas.version')).toBeUndefined();
  });
});
