import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../report/result.js';
import { dockerSuiteName, noDockerReason, testImageSource } from '../runtime/docker/test-support.js';
import { runCli } from '../testing/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-disconnect-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The leader is cut off the network for 8 seconds, longer than the broker session timeout. */
const experiment = join(scratch, 'leader-disconnect.yaml');
writeFileSync(
  experiment,
  `name: leader-disconnect
description: The partition leader is disconnected from the network for 8 seconds; acks=all loses nothing.
cluster:
  nodes: 3
  broker:
    min.insync.replicas: 2
    replica.lag.time.max.ms: 10000
topic:
  partitions: 1
  replicationFactor: 3
producer:
  acks: all
  rate: 100
  concurrency: 4
workload:
  duration: 20s
faults:
  - at: 4s
    fault: disconnect
    target: leader
    duration: 8s
    name: disconnected
expect:
  lost: 0
  leaderChanges: ">=1"
  inFlight during disconnected: ">=4"
  acknowledged after disconnected: ">=100"
allow:
  duplicated: acks=all without idempotence, a send in flight to the disconnected leader is retried and may be stored twice
  phantomAcks: kafkajs can report a send done without sending it when a broker's connection closes (README)
`,
);

describe('the disconnect fault', () => {
  it('fails a run on the process runtime up front, naming the runtime it needs', async () => {
    const cli = runCli(['run', experiment, '--runtime', 'process', '--broker', 'kafka', '--out', scratch]);
    expect((await cli.exit).code).toBe(2);
    expect(cli.stderr()).toMatch(
      /kafka-chaos: experiment leader-disconnect: faults\[0\] \("disconnect"\) needs --runtime docker \(network-partitions\), which the process runtime does not offer/,
    );
    expect(cli.stderr()).not.toMatch(/cluster ready/);
  });

  it.skipIf(noDockerReason !== undefined)(
    dockerSuiteName('partitions the leader on the docker runtime: leadership moves, nothing acknowledged is lost'),
    async () => {
      const out = join(scratch, 'results');
      const cli = runCli(['run', experiment, '--runtime', 'docker', '--images', testImageSource(), '--broker', 'kafka', '--seed', '3', '--out', out]);
      const exit = await cli.exit;
      expect(exit.code, `${cli.stdout()}\n${cli.stderr().slice(-3000)}`).toBe(0);
      const [runId] = readdirSync(out);
      const result = JSON.parse(readFileSync(join(out, runId!, 'leader-disconnect', 'kafka', 'result.json'), 'utf8')) as RunResult;
      expect(result).toMatchObject({ runtime: 'docker', verdict: 'pass' });
      const [fault] = result.faults;
      expect(fault).toMatchObject({ fault: 'disconnect', target: 'leader' });
      expect(fault!.error).toBeUndefined();
      expect(fault!.healedAt! - fault!.injectedAt!).toBeGreaterThanOrEqual(8000);
      expect(result.counts.lost).toBe(0);
    },
    300_000,
  );
});
