import { describe, expect, it } from 'vitest';
import { MetadataDelta, MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType, decodeMetadataRecord, encodeMetadataRecord } from './metadata-records.js';

const TOPIC_ID = 'b1lqSzLmSZ6vRFb3sEgaVw';

const records: MetadataRecord[] = [
  {
    type: 'RegisterBroker',
    data: {
      brokerId: 1,
      incarnationId: 'Xq4c5oYtQ6uJdR6y2a1x3w',
      brokerEpoch: 0n,
      endPoints: [{ name: 'CLIENT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }],
      rack: null,
      fenced: false,
    },
  },
  { type: 'Topic', data: { name: 'orders', topicId: TOPIC_ID } },
  { type: 'Config', data: { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', name: 'retention.ms', value: '1000' } },
  {
    type: 'Partition',
    data: {
      partitionId: 0,
      topicId: TOPIC_ID,
      replicas: [1],
      isr: [1],
      removingReplicas: [],
      addingReplicas: [],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  },
  { type: 'ProducerIds', data: { brokerId: 1, brokerEpoch: 0n, nextProducerId: 1000n } },
];

function replay(list: readonly MetadataRecord[], image = new MetadataImage()): { image: MetadataImage; delta: MetadataDelta } {
  const delta = new MetadataDelta();
  list.forEach((record, i) => image.apply(decodeMetadataRecord(encodeMetadataRecord(record)), BigInt(i), delta));
  return { image, delta };
}

describe('metadata records', () => {
  it('survive encoding with every field', () => {
    for (const record of records) expect(decodeMetadataRecord(encodeMetadataRecord(record))).toEqual(record);
  });

  it('are framed as KRaft frames them: frame version, API key and version before the message', () => {
    const bytes = encodeMetadataRecord(records[1]!);
    expect([...bytes.subarray(0, 3)]).toEqual([1, 2, 0]);
  });
});

describe('MetadataImage', () => {
  it('builds topics, partitions, configs and producer ids from records', () => {
    const { image, delta } = replay(records);
    expect(image.topic('orders')?.id).toBe(TOPIC_ID);
    expect(image.topicById(TOPIC_ID)?.name).toBe('orders');
    expect(image.partition('orders', 0)).toMatchObject({ leader: 1, isr: [1], leaderEpoch: 0 });
    expect(image.topicConfigs('orders').get('retention.ms')).toBe('1000');
    expect(image.nextProducerId).toBe(1000n);
    expect(image.unfencedBrokers().map((b) => b.id)).toEqual([1]);
    expect(image.offset).toBe(4n);
    expect([...delta.changedPartitions.keys()]).toEqual(['orders-0']);
    expect(delta.brokersChanged).toBe(true);
  });

  it('bumps the leader epoch on a leader change and the partition epoch on every change', () => {
    const { image } = replay(records);
    const { delta } = replay(
      [
        {
          type: 'PartitionChange',
          data: {
            partitionId: 0,
            topicId: TOPIC_ID,
            isr: [1, 2],
            leader: -2,
            replicas: null,
            removingReplicas: null,
            addingReplicas: null,
            eligibleLeaderReplicas: null,
            lastKnownElr: null,
          },
        },
        {
          type: 'PartitionChange',
          data: {
            partitionId: 0,
            topicId: TOPIC_ID,
            isr: null,
            leader: 2,
            replicas: null,
            removingReplicas: null,
            addingReplicas: null,
            eligibleLeaderReplicas: null,
            lastKnownElr: null,
          },
        },
      ],
      image,
    );
    expect(image.partition('orders', 0)).toMatchObject({ leader: 2, isr: [1, 2], leaderEpoch: 1, partitionEpoch: 2 });
    expect(delta.changedPartitions.get('orders-0')?.leader).toBe(2);
  });

  it('drops a removed topic with its configs', () => {
    const { image } = replay(records);
    const { delta } = replay([{ type: 'RemoveTopic', data: { topicId: TOPIC_ID } }], image);
    expect(image.topic('orders')).toBeUndefined();
    expect(image.topicConfigs('orders').size).toBe(0);
    expect(delta.deletedTopics.map((t) => t.name)).toEqual(['orders']);
  });
});
