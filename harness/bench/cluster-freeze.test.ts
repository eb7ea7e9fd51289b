import { describe, expect, it } from 'vitest';
import { kafkaClient } from '../clients/kafkajs.js';
import { BROKER_KINDS } from '../runtime/cluster.js';
import { processState } from '../runtime/proc.js';
import { suiteCluster } from '../testing/suite-cluster.js';
import { freeze, thaw } from './cluster-freeze.js';

/** Longer than broker.session.timeout.ms (9 s on both brokers): the controller fences on waking. */
const FROZEN_MS = 10_000;

describe.each(BROKER_KINDS)('freezing the cluster the bench does not measure, on %s', (broker) => {
  const suite = suiteCluster({ broker, nodes: 3, brokerConfig: { 'min.insync.replicas': '2' } }, `freeze-test-${broker}`);

  it('stops every node, and after a thaw takes acks=all writes on every partition at the first attempt', async () => {
    const { cluster, observer } = suite;
    await observer.createTopic('frozen', 6, 3, {});
    await freeze(cluster);
    expect(cluster.nodeIds().map((id) => cluster.node(id).state)).toEqual(['paused', 'paused', 'paused']);
    expect(cluster.nodeIds().map((id) => processState(cluster.node(id).pid!))).toEqual(['T', 'T', 'T']);
    await freeze(cluster); // a frozen cluster stays frozen

    await new Promise((r) => setTimeout(r, FROZEN_MS));
    const thawStart = Date.now();
    await thaw(cluster, observer);
    // Healthy metadata must have held for a quiet period: a single look could come before the fencing.
    expect(Date.now() - thawStart).toBeGreaterThanOrEqual(3_000);
    expect(cluster.nodeIds().map((id) => cluster.node(id).state)).toEqual(['running', 'running', 'running']);

    const producer = kafkaClient('freeze-test', cluster.bootstrapServers(), { retry: { retries: 0 } }).producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const sent = await producer.send({
        topic: 'frozen',
        acks: -1,
        messages: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, value: `after-thaw-${partition}` })),
      });
      expect(sent.map((r) => r.errorCode)).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      await producer.disconnect();
    }
    const partitions = await observer.partitions('frozen');
    expect(partitions.every((p) => p.leader >= 0 && p.isr.length === 3)).toBe(true);
  });
});
