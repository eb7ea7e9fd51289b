import { ApiKey } from '@kafka-chaos/protocol';
import { WireClient } from '@kafka-chaos/protocol';
import { errorMessage, HarnessError } from '../errors.js';
import { wireClientSecurity } from '../security/cluster-security.js';
import type { Cluster } from '../runtime/cluster.js';

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
  let last = 'no node is running';
  for (const id of cluster.nodeIds()) {
    const node = cluster.node(id);
    if (node.state !== 'running') continue;
    const [host, port] = node.harnessAddress.split(':') as [string, string];
    let client: WireClient | undefined;
    try {
      client = await WireClient.connect({
        host,
        port: Number(port),
        clientId: 'kafka-chaos-quorum',
        requestTimeoutMs: 3000,
        ...wireClientSecurity(cluster.clientSecurity),
      });
      await client.negotiateVersions();
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
    } catch (err) {
      last = `node ${id}: ${errorMessage(err)}`;
    } finally {
      client?.close();
    }
  }
  throw new HarnessError(`could not find the active controller (${last})`);
}
