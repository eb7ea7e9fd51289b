import { describe, expect, it } from 'vitest';
import {
  decodeCoordinatorKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
} from './coordinator-records.js';

describe('__consumer_offsets records', () => {
  it("lay out an offset commit key as Kafka's OffsetCommitKey v1", () => {
    const key = offsetCommitKey('g', 't', 3);
    // version 1, "g", "t", partition 3
    expect(key.toString('hex')).toBe('0001' + '000167' + '000174' + '00000003');
    expect(decodeCoordinatorKey(key)).toEqual({ type: 'offset', group: 'g', topic: 't', partition: 3 });
  });

  it('round-trip offset values and group metadata', () => {
    const committed = { offset: 42n, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1700000000000n };
    expect(decodeOffsetCommitValue(offsetCommitValue(committed))).toEqual(committed);
    expect(decodeCoordinatorKey(groupMetadataKey('group-a'))).toEqual({ type: 'group', group: 'group-a' });
    const group = {
      protocolType: 'consumer',
      generation: 3,
      protocol: 'RoundRobinAssigner',
      leader: 'c-1',
      currentStateTimestamp: 1700000000000n,
      members: [
        {
          memberId: 'c-1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/127.0.0.1',
          rebalanceTimeout: 60000,
          sessionTimeout: 30000,
          subscription: Buffer.from('sub'),
          assignment: Buffer.from('assign'),
        },
      ],
    };
    expect(decodeGroupMetadataValue(groupMetadataValue(group))).toEqual(group);
  });

  it('ignores record types broker-ts does not keep', () => {
    expect(decodeCoordinatorKey(Buffer.from('000b0000', 'hex'))).toBeUndefined();
  });
});
