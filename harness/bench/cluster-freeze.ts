import type { ClusterObserver } from '../clients/observer.js';
import type { Cluster } from '../runtime/cluster.js';

/** Heartbeats come every 2 s on both brokers: a fencing they missed while frozen shows within this. */
const SETTLE_QUIET_MS = 3_000;
const SETTLE_TIMEOUT_MS = 120_000;

/**
 * Stops every node of a cluster that is not being measured (SIGSTOP; `docker pause` in
 * containers), keeping its JIT-compiled code and its data. An idle cluster is not idle: a Kafka
 * cluster just started used 0.16 cores, and one that had taken load 0.21-0.34 cores, against 0.02
 * for broker-ts. On two cores, that took 10-17 % of the machine from every broker-ts run and
 * almost nothing from Kafka's.
 */
export async function freeze(cluster: Cluster): Promise<void> {
  for (const id of cluster.nodeIds()) {
    if (cluster.node(id).state === 'running') await cluster.pause(id);
  }
}

/** Resumes a frozen cluster and waits until the fencing and elections its pause caused are over. */
export async function thaw(cluster: Cluster, observer: ClusterObserver): Promise<void> {
  const frozen = cluster.nodeIds().filter((id) => cluster.node(id).state === 'paused');
  if (frozen.length === 0) return;
  for (const id of frozen) await cluster.resume(id);
  await observer.waitSettled(SETTLE_TIMEOUT_MS, SETTLE_QUIET_MS);
}
