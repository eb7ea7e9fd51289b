import { check, checkEqual, show } from '../check.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'admin-metadata',
  title: 'describeCluster lists every node at its proxy; fetchTopicMetadata gives leaders, replicas and ISR',
  async run(ctx) {
    const admin = await ctx.admin();
    const nodes = ctx.cluster.nodeIds();

    const described = await admin.describeCluster();
    checkEqual(
      described.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
      nodes,
      'node ids from describeCluster',
    );
    checkEqual(
      described.brokers.map((b) => `${b.host}:${b.port}`).sort(),
      [...ctx.bootstrapServers()].sort(),
      'advertised addresses from describeCluster (the client proxies)',
    );
    check(nodes.includes(described.controller ?? -1), `describeCluster names controller ${described.controller}, not a node`);
    check(typeof described.clusterId === 'string' && described.clusterId.length > 0, 'describeCluster gives no cluster id');

    const rf = ctx.replicationFactor;
    const topic = await ctx.createTopic('meta', { partitions: 4, replicationFactor: rf });
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    checkEqual(
      topics.map((t) => t.name),
      [topic],
      'topics from fetchTopicMetadata',
    );
    const partitions = [...topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId);
    checkEqual(
      partitions.map((p) => p.partitionId),
      [0, 1, 2, 3],
      'partition ids',
    );
    for (const p of partitions) {
      const where = `partition ${p.partitionId} (${show(p)})`;
      checkEqual(p.partitionErrorCode, 0, `error code of ${where}`);
      check(p.replicas.length === rf && new Set(p.replicas).size === rf, `${where}: expected ${rf} distinct replicas`);
      check(
        p.replicas.every((r) => nodes.includes(r)),
        `${where}: a replica is not a node`,
      );
      check(p.replicas.includes(p.leader), `${where}: the leader is not a replica`);
      checkEqual([...p.isr].sort(), [...p.replicas].sort(), `ISR of ${where}`);
    }
    if (nodes.length > 1) {
      const leaders = new Set(partitions.map((p) => p.leader));
      check(leaders.size > 1, `all 4 partitions are led by node ${[...leaders][0]}: leadership is not spread over the nodes`);
    }

    // Metadata of every topic includes this one.
    const all = await admin.fetchTopicMetadata();
    check(
      all.topics.some((t) => t.name === topic),
      'fetchTopicMetadata without topics does not include the new topic',
    );
  },
});
