// The embedded consumer protocol against bytes written out field by field, as Kafka's
// ConsumerProtocolSubscription and ConsumerProtocolAssignment schemas lay them out.
import { describe, expect, it } from 'vitest';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, subscribedTopicsOf, subscriptionVersion } from './consumer-protocol.js';

const int16 = (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const str = (v: string) => Buffer.concat([int16(Buffer.byteLength(v)), Buffer.from(v)]);

describe('ConsumerProtocolSubscription', () => {
  it('reads version 0 (what kafkajs sends): topics and user data', () => {
    const bytes = Buffer.concat([int16(0), int32(2), str('a'), str('b'), int32(3), Buffer.from('xyz')]);
    expect(decodeSubscription(bytes)).toEqual({
      version: 0,
      topics: ['a', 'b'],
      userData: Buffer.from('xyz'),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
  });

  it('reads version 3 (what the Java client sends): owned partitions, generation and rack', () => {
    const bytes = Buffer.concat([int16(3), int32(1), str('t'), int32(-1), int32(1), str('t'), int32(2), int32(0), int32(5), int32(7), int16(-1)]);
    expect(decodeSubscription(bytes)).toEqual({
      version: 3,
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partitions: [0, 5] }],
      generationId: 7,
      rackId: null,
    });
    expect(encodeSubscription(3, decodeSubscription(bytes))).toEqual(bytes);
  });

  it('refuses what is not a subscription', () => {
    expect(() => decodeSubscription(Buffer.from('sub'))).toThrow();
    expect(subscribedTopicsOf(Buffer.from([0xff, 0xff]))).toBeUndefined();
  });

  it('answers an assignment in the version of the subscription, capped at 3', () => {
    expect(subscriptionVersion(Buffer.concat([int16(1), int32(0)]))).toBe(1);
    expect(subscriptionVersion(Buffer.concat([int16(9), int32(0)]))).toBe(3);
    expect(subscriptionVersion(Buffer.alloc(0))).toBe(0);
  });
});

describe('ConsumerProtocolAssignment', () => {
  it('writes partitions by topic with no user data, and reads them back', () => {
    const bytes = encodeAssignment(1, [{ topic: 't', partitions: [2, 3] }]);
    expect(bytes).toEqual(Buffer.concat([int16(1), int32(1), str('t'), int32(2), int32(2), int32(3), int32(-1)]));
    expect(decodeAssignment(bytes)).toEqual([{ topic: 't', partitions: [2, 3] }]);
    expect(decodeAssignment(Buffer.alloc(0))).toEqual([]);
  });
});
