import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@kafka-chaos/protocol';
import { apiRefusal as refusal } from '../testing/api-refusal.js';
import { ConfigControl, ConfigOperation } from './config-control.js';
import { MetadataDelta, MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

function cluster(elr: boolean): { image: MetadataImage; control: ConfigControl } {
  const image = new MetadataImage();
  let offset = 0n;
  const records: MetadataRecord[] = [
    { type: 'FeatureLevel', data: { name: 'eligible.leader.replicas.version', featureLevel: elr ? 1 : 0 } },
    { type: 'RegisterBroker', data: { brokerId: 1, incarnationId: 'Xq4c5oYtQ6uJdR6y2a1x3w', brokerEpoch: 0n, endPoints: [], rack: null, fenced: false } },
    { type: 'Config', data: { resourceType: 4, resourceName: '', name: 'min.insync.replicas', value: '1' } },
    { type: 'Topic', data: { name: 'orders', topicId: TOPIC_ID } },
  ];
  records.forEach((r) => image.apply(r, offset++, new MetadataDelta()));
  return { image, control: new ConfigControl(image) };
}

const set = (resourceType: number, resourceName: string, name: string, value: string | null) => ({
  resourceType,
  resourceName,
  configs: [{ name, configOperation: value === null ? ConfigOperation.DELETE : ConfigOperation.SET, value }],
});

describe('config control with eligible leader replicas (KIP-966)', () => {
  it('refuses a broker-level min.insync.replicas and the removal of the cluster-level one, with Kafka 4.4 words', () => {
    const { control } = cluster(true);
    expect(refusal(() => control.planIncremental(set(4, '1', 'min.insync.replicas', '2')))).toEqual({
      code: ErrorCode.INVALID_CONFIG,
      message: 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.',
    });
    expect(refusal(() => control.planIncremental(set(4, '', 'min.insync.replicas', null)))).toEqual({
      code: ErrorCode.INVALID_CONFIG,
      message: 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.',
    });
  });

  it("empties the ELRs a min.insync.replicas change applies to: a topic's, or every one", () => {
    const { control } = cluster(true);
    expect(control.planIncremental(set(2, 'orders', 'min.insync.replicas', '2'))).toEqual([
      { type: 'Config', data: { resourceType: 2, resourceName: 'orders', name: 'min.insync.replicas', value: '2' } },
      { type: 'ClearElr', data: { topicName: 'orders' } },
    ]);
    expect(control.planIncremental(set(4, '', 'min.insync.replicas', '2'))).toEqual([
      { type: 'Config', data: { resourceType: 4, resourceName: '', name: 'min.insync.replicas', value: '2' } },
      { type: 'ClearElr', data: { topicName: '' } },
    ]);
    // Other configs change nothing of the ELRs.
    expect(control.planIncremental(set(2, 'orders', 'retention.ms', '1000'))).toEqual([
      { type: 'Config', data: { resourceType: 2, resourceName: 'orders', name: 'retention.ms', value: '1000' } },
    ]);
  });

  it('leaves min.insync.replicas to any level without them', () => {
    const { control } = cluster(false);
    expect(control.planIncremental(set(4, '1', 'min.insync.replicas', '2'))).toEqual([
      { type: 'Config', data: { resourceType: 4, resourceName: '1', name: 'min.insync.replicas', value: '2' } },
    ]);
  });
});
