// Every API broker-ts speaks, by key. What is registered here is what the broker advertises in
// ApiVersions and what decodeRequest accepts.
import type { Api, RequestOf, ResponseOf, VersionSchemas } from './apis/api.js';
import { isFlexibleVersion } from './apis/api.js';
import { Produce } from './apis/produce/index.js';
import { Fetch } from './apis/fetch/index.js';
import { ListOffsets } from './apis/list-offsets/index.js';
import { Metadata } from './apis/metadata/index.js';
import { OffsetCommit } from './apis/offset-commit/index.js';
import { OffsetFetch } from './apis/offset-fetch/index.js';
import { FindCoordinator } from './apis/find-coordinator/index.js';
import { JoinGroup } from './apis/join-group/index.js';
import { Heartbeat } from './apis/heartbeat/index.js';
import { LeaveGroup } from './apis/leave-group/index.js';
import { SyncGroup } from './apis/sync-group/index.js';
import { DescribeGroups } from './apis/describe-groups/index.js';
import { ListGroups } from './apis/list-groups/index.js';
import { SaslHandshake } from './apis/sasl-handshake/index.js';
import { ApiVersions } from './apis/api-versions/index.js';
import { CreateTopics } from './apis/create-topics/index.js';
import { DeleteTopics } from './apis/delete-topics/index.js';
import { DeleteRecords } from './apis/delete-records/index.js';
import { InitProducerId } from './apis/init-producer-id/index.js';
import { OffsetForLeaderEpoch } from './apis/offset-for-leader-epoch/index.js';
import { AddPartitionsToTxn } from './apis/add-partitions-to-txn/index.js';
import { AddOffsetsToTxn } from './apis/add-offsets-to-txn/index.js';
import { EndTxn } from './apis/end-txn/index.js';
import { WriteTxnMarkers } from './apis/write-txn-markers/index.js';
import { TxnOffsetCommit } from './apis/txn-offset-commit/index.js';
import { DescribeConfigs } from './apis/describe-configs/index.js';
import { AlterConfigs } from './apis/alter-configs/index.js';
import { SaslAuthenticate } from './apis/sasl-authenticate/index.js';
import { CreatePartitions } from './apis/create-partitions/index.js';
import { DeleteGroups } from './apis/delete-groups/index.js';
import { DescribeLogDirs } from './apis/describe-log-dirs/index.js';
import { IncrementalAlterConfigs } from './apis/incremental-alter-configs/index.js';
import { Vote } from './apis/vote/index.js';
import { BeginQuorumEpoch } from './apis/begin-quorum-epoch/index.js';
import { EndQuorumEpoch } from './apis/end-quorum-epoch/index.js';
import { DescribeQuorum } from './apis/describe-quorum/index.js';
import { AlterPartition } from './apis/alter-partition/index.js';
import { DescribeCluster } from './apis/describe-cluster/index.js';
import { BrokerRegistration } from './apis/broker-registration/index.js';
import { BrokerHeartbeat } from './apis/broker-heartbeat/index.js';
import { AllocateProducerIds } from './apis/allocate-producer-ids/index.js';
import { DescribeProducers } from './apis/describe-producers/index.js';
import { DescribeTransactions } from './apis/describe-transactions/index.js';
import { ListTransactions } from './apis/list-transactions/index.js';
import { OffsetDelete } from './apis/offset-delete/index.js';
import { ElectLeaders } from './apis/elect-leaders/index.js';
import { DescribeTopicPartitions } from './apis/describe-topic-partitions/index.js';
import { ConsumerGroupHeartbeat } from './apis/consumer-group-heartbeat/index.js';
import { ConsumerGroupDescribe } from './apis/consumer-group-describe/index.js';
import { UpdateFeatures } from './apis/update-features/index.js';
import { AlterPartitionReassignments } from './apis/alter-partition-reassignments/index.js';
import { ListPartitionReassignments } from './apis/list-partition-reassignments/index.js';

export const APIS = {
  0: Produce,
  1: Fetch,
  2: ListOffsets,
  3: Metadata,
  8: OffsetCommit,
  9: OffsetFetch,
  10: FindCoordinator,
  11: JoinGroup,
  12: Heartbeat,
  13: LeaveGroup,
  14: SyncGroup,
  15: DescribeGroups,
  16: ListGroups,
  17: SaslHandshake,
  18: ApiVersions,
  19: CreateTopics,
  20: DeleteTopics,
  21: DeleteRecords,
  22: InitProducerId,
  23: OffsetForLeaderEpoch,
  24: AddPartitionsToTxn,
  25: AddOffsetsToTxn,
  26: EndTxn,
  27: WriteTxnMarkers,
  28: TxnOffsetCommit,
  32: DescribeConfigs,
  33: AlterConfigs,
  35: DescribeLogDirs,
  36: SaslAuthenticate,
  37: CreatePartitions,
  42: DeleteGroups,
  43: ElectLeaders,
  44: IncrementalAlterConfigs,
  45: AlterPartitionReassignments,
  46: ListPartitionReassignments,
  47: OffsetDelete,
  52: Vote,
  53: BeginQuorumEpoch,
  54: EndQuorumEpoch,
  55: DescribeQuorum,
  56: AlterPartition,
  57: UpdateFeatures,
  60: DescribeCluster,
  61: DescribeProducers,
  62: BrokerRegistration,
  63: BrokerHeartbeat,
  65: DescribeTransactions,
  66: ListTransactions,
  67: AllocateProducerIds,
  68: ConsumerGroupHeartbeat,
  69: ConsumerGroupDescribe,
  75: DescribeTopicPartitions,
} as const;

export type Apis = typeof APIS;
/** The API keys broker-ts implements. */
export type SupportedApiKey = keyof Apis;

export type RequestBody<K extends SupportedApiKey> = RequestOf<Apis[K]>;
export type ResponseBody<K extends SupportedApiKey> = ResponseOf<Apis[K]>;

export const API_LIST: readonly Api[] = Object.values(APIS);

export function apiByKey(apiKey: number): Api | undefined {
  return (APIS as Record<number, Api | undefined>)[apiKey];
}

export function isSupportedApiKey(apiKey: number): apiKey is SupportedApiKey {
  return apiByKey(apiKey) !== undefined;
}

export interface VersionEntry extends VersionSchemas {
  api: Api;
  version: number;
  flexible: boolean;
}

/** The schemas of one version of one API, or undefined when broker-ts does not implement it. */
export function versionEntry(apiKey: number, version: number): VersionEntry | undefined {
  const api = apiByKey(apiKey);
  const schemas = api?.versions[version];
  if (api === undefined || schemas === undefined) return undefined;
  return { api, version, flexible: isFlexibleVersion(api, version), ...schemas };
}

/** The version ranges to advertise in an ApiVersions response. */
export function supportedVersionRanges(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return API_LIST.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
}
