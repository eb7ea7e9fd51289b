import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiKey } from './api-keys.js';
import { API_LIST, APIS, supportedVersionRanges, versionEntry } from './registry.js';
import type { RequestBody, ResponseBody } from './registry.js';

describe('registry', () => {
  it('advertises the agreed version ranges', () => {
    const ranges = Object.fromEntries(API_LIST.map((api) => [api.name, `${api.minVersion}-${api.maxVersion}`]));
    expect(ranges).toEqual({
      Produce: '3-11',
      Fetch: '4-16',
      ListOffsets: '1-8',
      Metadata: '0-12',
      OffsetCommit: '2-9',
      OffsetFetch: '1-9',
      FindCoordinator: '0-6',
      JoinGroup: '0-9',
      Heartbeat: '0-4',
      LeaveGroup: '0-5',
      SyncGroup: '0-5',
      DescribeGroups: '0-5',
      ListGroups: '0-5',
      SaslHandshake: '0-1',
      ApiVersions: '0-5',
      CreateTopics: '2-7',
      DeleteTopics: '1-6',
      DeleteRecords: '0-2',
      InitProducerId: '0-5',
      OffsetForLeaderEpoch: '0-4',
      AddPartitionsToTxn: '0-3',
      AddOffsetsToTxn: '0-3',
      EndTxn: '0-3',
      WriteTxnMarkers: '1-1',
      TxnOffsetCommit: '0-3',
      DescribeConfigs: '1-4',
      AlterConfigs: '0-2',
      DescribeLogDirs: '1-5',
      SaslAuthenticate: '0-2',
      CreatePartitions: '0-3',
      DeleteGroups: '0-2',
      ElectLeaders: '0-2',
      IncrementalAlterConfigs: '0-1',
      AlterPartitionReassignments: '0-1',
      ListPartitionReassignments: '0-0',
      OffsetDelete: '0-0',
      Vote: '0-2',
      BeginQuorumEpoch: '0-1',
      EndQuorumEpoch: '0-1',
      DescribeQuorum: '0-2',
      AlterPartition: '0-3',
      UpdateFeatures: '0-2',
      DescribeCluster: '0-1',
      DescribeProducers: '0-0',
      BrokerRegistration: '0-4',
      BrokerHeartbeat: '0-2',
      DescribeTransactions: '0-0',
      ListTransactions: '0-2',
      AllocateProducerIds: '0-0',
      ConsumerGroupHeartbeat: '0-1',
      ConsumerGroupDescribe: '0-1',
      DescribeTopicPartitions: '0-0',
    });
    expect(supportedVersionRanges()).toContainEqual({ apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: 16 });
  });

  it('registers every API under its own key and Kafka name', () => {
    for (const [key, api] of Object.entries(APIS)) {
      expect(api.apiKey).toBe(Number(key));
      expect(ApiKey[api.name as keyof typeof ApiKey]).toBe(api.apiKey);
    }
  });

  it('knows which versions are flexible', () => {
    expect(versionEntry(ApiKey.Fetch, 11)?.flexible).toBe(false);
    expect(versionEntry(ApiKey.Fetch, 12)?.flexible).toBe(true);
    expect(versionEntry(ApiKey.SaslHandshake, 1)?.flexible).toBe(false);
    expect(versionEntry(ApiKey.DescribeCluster, 0)?.flexible).toBe(true);
    expect(versionEntry(ApiKey.Produce, 2)).toBeUndefined();
    expect(versionEntry(999, 0)).toBeUndefined();
  });

  it('types bodies merged over all versions', () => {
    type Fetch = RequestBody<typeof ApiKey.Fetch>;
    expectTypeOf<Fetch['maxWaitMs']>().toEqualTypeOf<number>();
    // Present only in some versions: optional.
    expectTypeOf<Fetch['sessionId']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Fetch['topics'][number]['topicId']>().toEqualTypeOf<string | undefined>();
    type Produced = ResponseBody<typeof ApiKey.Produce>['responses'][number]['partitionResponses'][number];
    expectTypeOf<Produced['baseOffset']>().toEqualTypeOf<bigint>();
    expectTypeOf<Produced['currentLeader']>().toEqualTypeOf<{ leaderId: number; leaderEpoch: number } | undefined>();
    type Records = RequestBody<typeof ApiKey.Produce>['topicData'][number]['partitionData'][number]['records'];
    expectTypeOf<Records>().toEqualTypeOf<Buffer | null>();
  });
});
