// A partition's leader and replicas as the clients of one listener see them, shared by Metadata and
// DescribeTopicPartitions so that both describe a partition alike.
import type { PartitionRegistration } from '../metadata/metadata-image.js';
import type { BrokerServices } from '../server/broker-services.js';

/**
 * Whether clients of the listener can reach the partition's leader: 'no-leader' when there is none
 * or it is fenced or gone, 'no-listener' when it does not listen there.
 */
export function leaderReachability(broker: BrokerServices, partition: PartitionRegistration, listenerName: string): 'reachable' | 'no-leader' | 'no-listener' {
  const leader = partition.leader >= 0 ? broker.image.broker(partition.leader) : undefined;
  if (leader === undefined || leader.fenced) return 'no-leader';
  return leader.endpoints.has(listenerName) ? 'reachable' : 'no-listener';
}

/** Replicas on brokers that are fenced or gone, and this broker's replica when its log dir failed. */
export function offlineReplicas(broker: BrokerServices, partition: PartitionRegistration): number[] {
  const alive = (id: number) => broker.image.broker(id)?.fenced === false;
  // Kafka learns of a failed log dir from the broker's offline dirs; broker-ts knows only its own.
  const offlineHere = (id: number) => id === broker.nodeId && broker.replicas.partition(partition.topicName, partition.partition)?.log.isOffline === true;
  return partition.replicas.filter((id) => !alive(id) || offlineHere(id));
}
