import { ApiKey } from '@kafka-chaos/protocol';
import type { WireClient } from '@kafka-chaos/protocol';
import { errorMessage } from '../errors.js';
import type { Cluster } from '../runtime/cluster.js';
import { connectToNode } from './harness-listener.js';

export interface PartitionLeadership {
  partition: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

/**
 * Leader, leader epoch and ISR of each partition of a topic, as a live node reports them (Metadata
 * v7+ over the node's harness listener). kafkajs's Metadata v6 carries no leader epochs, and the
 * epoch is what tells which leadership truncated a lost write.
 */
export class PartitionMetadataProbe {
  private client: WireClient | undefined;
  private version = 0;

  /** `onlyNode` asks that node alone; without it, any running node. */
  constructor(
    private readonly cluster: Cluster,
    private readonly onlyNode?: number,
  ) {}

  private async connect(): Promise<WireClient> {
    if (this.client) return this.client;
    let last = 'no node is running';
    for (const id of this.onlyNode === undefined ? this.cluster.nodeIds() : [this.onlyNode]) {
      const node = this.cluster.node(id);
      if (node.state !== 'running') continue;
      try {
        const client = await connectToNode(this.cluster, id, 'kafka-chaos-leaders', 2000);
        this.version = Math.min(client.highestCommonVersion(ApiKey.Metadata) ?? 0, 12);
        client.on('close', () => {
          if (this.client === client) this.client = undefined;
        });
        this.client = client;
        return client;
      } catch (err) {
        last = `node ${id}: ${errorMessage(err)}`;
      }
    }
    throw new Error(`no node answered (${last})`);
  }

  async partitions(topic: string): Promise<PartitionLeadership[]> {
    const client = await this.connect();
    try {
      const answer = await client.send(ApiKey.Metadata, this.version, {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
      });
      const t = answer.topics.find((x) => x.name === topic);
      return (t?.partitions ?? [])
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1, isr: [...p.isrNodes] }))
        .sort((a, b) => a.partition - b.partition);
    } catch (err) {
      // A paused or dead node: drop the connection so the next poll tries another node.
      this.close();
      throw err;
    }
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }
}

/**
 * The partitions of a topic as each running node reports them, asked one node at a time. Nodes
 * apply metadata changes at their own pace, and a client that learns a partition count from a
 * node still behind uses the old one: kafkajs drops the messages of a partition its metadata
 * lacks and reports the send as done.
 */
export async function partitionsOnEveryNode(cluster: Cluster, topic: string): Promise<Map<number, PartitionLeadership[]>> {
  const answers = new Map<number, PartitionLeadership[]>();
  for (const id of cluster.nodeIds()) {
    if (cluster.node(id).state !== 'running') continue;
    const probe = new PartitionMetadataProbe(cluster, id);
    try {
      answers.set(id, await probe.partitions(topic));
    } finally {
      probe.close();
    }
  }
  return answers;
}
