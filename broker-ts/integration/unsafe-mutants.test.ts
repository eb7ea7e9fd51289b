// The broker.ts.bug.* settings make broker-ts unsafe on purpose; each must lose acknowledged
// writes in an experiment where correct replication (broker-ts's and Kafka's) loses none, and the
// harness must say so. This proves the checker can see the failures the catalogue looks for.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExperiment } from '../../harness/experiment/load.js';
import { runExperiment } from '../../harness/experiment/runner.js';
import type { Experiment } from '../../harness/experiment/schema.js';

const runDir = mkdtempSync(join(tmpdir(), 'broker-ts-mutants-'));

afterAll(() => rmSync(runDir, { recursive: true, force: true }));

function withBug(experiment: Experiment, bug: string): Experiment {
  return { ...experiment, name: `${experiment.name}-${bug.replaceAll('.', '-')}`, cluster: { ...experiment.cluster, broker: { ...experiment.cluster.broker, [bug]: 'true' } } };
}

async function run(experiment: Experiment) {
  return runExperiment(experiment, 'broker-ts', { runId: 'mutants', runDir, seed: 1 });
}

/**
 * A follower that rejoins with a diverging suffix must truncate it. Two replicas: the leader is cut
 * off from its follower and then killed while it holds writes nobody acknowledged; the follower
 * takes over and acknowledges new writes at those offsets; the old leader comes back and catches
 * up; then the new leader is killed and the old one, in the ISR again, leads with whatever its log
 * holds at those offsets.
 *
 * A broker handles one request per connection at a time, so each producer leaves one write in the
 * suffix: four producers make four. They do not retry, because a retried write can land at the
 * offset it held in the suffix, and then the suffix no longer differs from the new leader's log.
 */
function divergingSuffixExperiment(): Experiment {
  const file = join(runDir, 'rejoin-with-diverging-suffix.yaml');
  const producers = [1, 2, 3, 4].map((n) => `  - { name: p${n}, acks: all, rate: 60, concurrency: 2, retries: 0 }\n`).join('');
  writeFileSync(
    file,
    `name: rejoin-with-diverging-suffix
description: A replaced leader rejoins with a diverging suffix and later leads again.
cluster:
  nodes: 3
  broker:
    min.insync.replicas: 1
    replica.lag.time.max.ms: 10000
topic:
  partitions: 1
  replicationFactor: 2
producers:
${producers}workload:
  duration: 22s
faults:
  - { at: 3s, fault: cut, target: leader, listeners: [replication], name: old-leader, duration: 4s }
  - { at: 6s, fault: kill, target: "@old-leader", duration: 3s }
  - { at: 16s, fault: kill, target: leader }
expect:
  lost: 0
`,
  );
  return findExperiment(file);
}

describe('unsafe settings are caught by the harness', () => {
  it('broker.ts.bug.ack.before.replication loses acknowledged writes in acksall-leader-kill', async () => {
    const result = await run(withBug(findExperiment('acksall-leader-kill'), 'broker.ts.bug.ack.before.replication'));
    expect(result.counts.lost, result.reason).toBeGreaterThan(0);
    expect(result.verdict).toBe('fail');
  });

  it('broker.ts.bug.elect.any.replica loses acknowledged writes in unclean-election-off', async () => {
    const result = await run(withBug(findExperiment('unclean-election-off'), 'broker.ts.bug.elect.any.replica'));
    expect(result.counts.lost, result.reason).toBeGreaterThan(0);
    expect(result.verdict).toBe('fail');
  });

  it('a follower rejoining with a diverging suffix loses nothing when it truncates', async () => {
    const result = await run(divergingSuffixExperiment());
    expect(result.counts.acknowledged).toBeGreaterThan(1000);
    expect(result.counts.lost, result.reason).toBe(0);
    expect(result.verdict).toBe('pass');
  });

  it('broker.ts.bug.skip.truncation loses acknowledged writes when that follower leads again', async () => {
    const result = await run(withBug(divergingSuffixExperiment(), 'broker.ts.bug.skip.truncation'));
    expect(result.counts.lost, result.reason).toBeGreaterThan(0);
    expect(result.verdict).toBe('fail');
  });
});
