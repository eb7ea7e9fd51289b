import { check, checkEqual, show } from '../check.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'tool-kafka-metadata-quorum',
  title:
    "Kafka's kafka-metadata-quorum tool (DescribeQuorum v2 and DescribeCluster): --status names the cluster id, a leader among the voters, every node as a voter with its controller endpoint, and a high watermark; --replication has one row per voter, the leader's among them, with its log end at or past the high watermark",
  needs: { tools: ['java'] },
  timeoutMs: 60_000,
  async run(ctx) {
    const nodeIds = [...ctx.cluster.nodeIds()].sort((a, b) => a - b);
    const admin = await ctx.admin();
    const { clusterId } = await admin.describeCluster();

    // `Key:   value` lines; the value may hold spaces (the voters' JSON).
    const statusLines = await kafkaToolColumns(ctx, 'kafka-metadata-quorum', 'status', ['describe', '--status']);
    const status = new Map(statusLines.filter((columns) => columns[0]?.endsWith(':')).map((columns) => [columns[0]!.slice(0, -1), columns.slice(1).join(' ')]));
    checkEqual(status.get('ClusterId'), clusterId, 'ClusterId');
    const leaderId = Number(status.get('LeaderId'));
    check(nodeIds.includes(leaderId), `LeaderId ${show(status.get('LeaderId'))} is one of the nodes ${show(nodeIds)}`);
    check(Number(status.get('LeaderEpoch')) >= 1, `LeaderEpoch ${show(status.get('LeaderEpoch'))}`);
    const highWatermark = Number(status.get('HighWatermark'));
    check(highWatermark > 0, `HighWatermark ${show(status.get('HighWatermark'))}: the metadata log holds at least the nodes' registrations`);
    const voters = JSON.parse(status.get('CurrentVoters') ?? 'null') as { id: number; endpoints?: string[] }[] | null;
    check(Array.isArray(voters), `CurrentVoters is a JSON list: ${show(status.get('CurrentVoters'))}`);
    checkEqual(
      voters.map((v) => v.id).sort((a, b) => a - b),
      nodeIds,
      'the voters',
    );
    for (const voter of voters) {
      // DescribeQuorum v2 names each voter's controller listener (KIP-853).
      check(
        voter.endpoints?.length === 1 && /^[A-Z_]+:\/\/127\.0\.0\.1:\d+$/.test(voter.endpoints[0]!),
        `voter ${voter.id}: one controller endpoint, got ${show(voter.endpoints)}`,
      );
    }
    checkEqual(status.get('CurrentObservers'), '[]', 'CurrentObservers (every node is a voter)');

    // NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status
    const rows = (await kafkaToolColumns(ctx, 'kafka-metadata-quorum', 'replication', ['describe', '--replication'])).filter((c) => /^\d+$/.test(c[0] ?? ''));
    checkEqual(
      rows.map((c) => Number(c[0])).sort((a, b) => a - b),
      nodeIds,
      'the nodes --replication lists',
    );
    const leaderRows = rows.filter((c) => c[6] === 'Leader');
    checkEqual(
      leaderRows.map((c) => Number(c[0])),
      [leaderId],
      'the Leader row',
    );
    check(Number(leaderRows[0]![2]) >= highWatermark, `the leader's LogEndOffset ${leaderRows[0]![2]} is at or past the high watermark ${highWatermark}`);
    for (const row of rows) {
      check(row[6] === 'Leader' || row[6] === 'Follower', `node ${row[0]}: status ${show(row[6])}`);
      check(Number(row[3]) >= 0 && Number(row[4]) > 0, `node ${row[0]}: Lag ${row[3]}, LastFetchTimestamp ${row[4]}`);
    }
  },
});
