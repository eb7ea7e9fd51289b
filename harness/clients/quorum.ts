import { ApiKey } from '@kafka-chaos/protocol';
import { HarnessError } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { NoNodeAnswered, askRunningNodes } from './harness-listener.js';

const METADATA_TOPIC = '__cluster_metadata';

export interface QuorumState {
  leaderId: number;
  leaderEpoch: number;
  voters: number[];
}

/**
 * The Raft quorum of the cluster's metadata log, from DescribeQuorum sent to a node's harness
 * listener (brokers forward it to the active controller, so any live node can answer).
 */
export async function describeQuorum(cluster: Cluster): Promise<QuorumState> {
  try {
    return await askRunningNodes(cluster, 'kafka-chaos-quorum', 3000, async (client) => {
      const version = client.highestCommonVersion(ApiKey.DescribeQuorum);
      if (version === undefined) throw new Error('DescribeQuorum is not supported');
      const answer = await client.send(ApiKey.DescribeQuorum, version, {
        topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }],
      });
      const partition = answer.topics?.[0]?.partitions?.[0];
      if (!partition) throw new Error('no metadata partition in the answer');
      if ((answer.errorCode ?? 0) !== 0 || partition.errorCode !== 0) throw new Error(`error ${answer.errorCode || partition.errorCode}`);
      if (partition.leaderId < 0) throw new Error('the quorum has no leader now');
      return { leaderId: partition.leaderId, leaderEpoch: partition.leaderEpoch, voters: partition.currentVoters.map((v) => v.replicaId) };
    });
  } catch (error) {
    if (error instanceof NoNodeAnswered) throw new HarnessError(`could not find the active controller (${error.lastReason})`);
    throw error;
  }
}
