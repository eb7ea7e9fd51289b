// The harness's own requests to a cluster whose every listener is SASL_SSL: finding a coordinator
// (what `target: group-coordinator` and `txn-coordinator` resolve with), the metadata quorum and
// partition leadership all authenticate, as the cluster's clients must.
import { describe, expect, it } from 'vitest';
import { suiteCluster } from '../testing/suite-cluster.js';
import { findCoordinator } from './coordinator.js';
import { PartitionMetadataProbe } from './partition-metadata.js';
import { describeQuorum } from './quorum.js';

const suite = suiteCluster({ broker: 'broker-ts', nodes: 3, security: { mode: 'sasl_ssl', mechanism: 'SCRAM-SHA-512' } }, 'harness-listener');

describe('the harness listener under SASL_SSL', () => {
  it('finds coordinators, the quorum and partition leaders with the cluster security', async () => {
    const { cluster, observer } = suite;
    expect(cluster.clientSecurity?.sasl?.mechanism).toBe('SCRAM-SHA-512');
    await observer.createTopic('secured', 2, 3, {});
    const coordinator = await findCoordinator(cluster, 'group', 'secured-group');
    expect(cluster.nodeIds()).toContain(coordinator);
    const quorum = await describeQuorum(cluster);
    expect(quorum.voters.sort()).toEqual([...cluster.nodeIds()].sort());
    const probe = new PartitionMetadataProbe(cluster);
    try {
      const partitions = await probe.partitions('secured');
      expect(partitions.map((p) => p.partition)).toEqual([0, 1]);
      for (const p of partitions) expect(p.isr).toHaveLength(3);
    } finally {
      probe.close();
    }
  });
});
