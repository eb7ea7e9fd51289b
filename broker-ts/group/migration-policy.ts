// Kafka's ConsumerGroupMigrationPolicy (group.consumer.migration.policy): which online conversions
// between a classic group and a consumer group the coordinator makes.
export const MIGRATION_POLICIES = ['disabled', 'upgrade', 'downgrade', 'bidirectional'] as const;
export type MigrationPolicy = (typeof MIGRATION_POLICIES)[number];

export function allowsUpgrade(policy: MigrationPolicy): boolean {
  return policy === 'upgrade' || policy === 'bidirectional';
}

export function allowsDowngrade(policy: MigrationPolicy): boolean {
  return policy === 'downgrade' || policy === 'bidirectional';
}
