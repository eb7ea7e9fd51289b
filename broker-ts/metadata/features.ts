// The feature levels broker-ts supports (KIP-584), as ApiVersions reports them and UpdateFeatures
// checks them. A feature at level 0 is off. broker-ts lists every feature Kafka 4.4 has, so that
// `kafka-features describe` shows what it lacks: a feature whose behaviour it does not implement
// is supported at level 0 only (no transactions v2, no share groups or streams groups, a static
// voter set).

export const METADATA_VERSION = 'metadata.version';
/** Eligible leader replicas (KIP-966): level 1 turns them on; new Kafka clusters have it from 4.1. */
export const ELIGIBLE_LEADER_REPLICAS_VERSION = 'eligible.leader.replicas.version';

/** The group coordinator's features (KIP-848): level 1 serves the consumer group protocol, as from Kafka 4.0. */
export const GROUP_VERSION = 'group.version';

/** metadata.version's levels by Kafka release, from the lowest KRaft supports to the current one. */
export const METADATA_VERSION_LEVELS = { '3.3-IV3': 7, '4.4-IV2': 33 } as const;

export interface SupportedFeature {
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * metadata.version names the format of the metadata log's records; broker-ts writes a subset of
 * Kafka's records in their format, and no behaviour of its own depends on the level, so it takes
 * Kafka 4.4's whole production range.
 */
export const SUPPORTED_FEATURES: ReadonlyMap<string, SupportedFeature> = new Map([
  [METADATA_VERSION, { minVersion: METADATA_VERSION_LEVELS['3.3-IV3'], maxVersion: METADATA_VERSION_LEVELS['4.4-IV2'] }],
  ['kraft.version', { minVersion: 0, maxVersion: 0 }],
  ['transaction.version', { minVersion: 0, maxVersion: 0 }],
  [GROUP_VERSION, { minVersion: 0, maxVersion: 1 }],
  [ELIGIBLE_LEADER_REPLICAS_VERSION, { minVersion: 0, maxVersion: 1 }],
  ['share.version', { minVersion: 0, maxVersion: 0 }],
  ['streams.version', { minVersion: 0, maxVersion: 0 }],
]);

/** The levels a new cluster starts at, as `kafka-storage format` gives a Kafka 4.4 cluster its latest production levels. */
export const BOOTSTRAP_FEATURE_LEVELS: ReadonlyMap<string, number> = new Map(
  [...SUPPORTED_FEATURES].filter(([, range]) => range.maxVersion > 0).map(([name, range]) => [name, range.maxVersion]),
);

/**
 * Whether KIP-848 consumer groups are served (ConsumerGroupHeartbeat, ConsumerGroupDescribe): the
 * finalized group.version is 1 or more and, as Kafka's KafkaApis.isConsumerGroupProtocolEnabled
 * also asks, the node's `group.coordinator.rebalance.protocols` lists `consumer`.
 */
export function consumerGroupProtocolEnabled(finalized: ReadonlyMap<string, number>, rebalanceProtocols: readonly string[]): boolean {
  return (finalized.get(GROUP_VERSION) ?? 0) >= 1 && rebalanceProtocols.includes('consumer');
}

/** Whether the finalized levels turn eligible leader replicas on. */
export function eligibleLeaderReplicasEnabled(finalized: ReadonlyMap<string, number>): boolean {
  return (finalized.get(ELIGIBLE_LEADER_REPLICAS_VERSION) ?? 0) >= 1;
}
