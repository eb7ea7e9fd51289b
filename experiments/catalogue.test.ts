import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExperiment, listExperiments } from '../harness/experiment/load.js';
import { runExperiment } from '../harness/experiment/runner.js';
import { noDockerReason, testImageSource } from '../harness/runtime/docker/test-support.js';

const out = mkdtempSync(join(tmpdir(), 'kafka-chaos-catalogue-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(name: string, seed = 3) {
  return runExperiment(findExperiment(name), 'kafka', { runId: 'catalogue-test', runDir: out, seed });
}

// The whole catalogue runs in the nightly job; these cover the machinery each family of
// experiments depends on, against real Kafka.
describe('experiment catalogue on Apache Kafka', () => {
  it('has every experiment the catalogue promises', () => {
    const names = listExperiments().map((e) => e.name);
    for (const n of [
      'acks0-leader-kill',
      'acks1-leader-kill',
      'acksall-leader-kill',
      'minisr1-leader-isolated',
      'minisr2-leader-isolated',
      'unclean-election-on',
      'unclean-election-off',
      'isr-below-min',
      'producer-crash-buffered',
      'consumer-commit-before-processing',
      'consumer-commit-after-processing',
      'consumer-autocommit-unawaited',
      'consumer-autocommit-awaited',
      'idempotence-off-network-reset',
      'idempotence-on-network-reset',
      'leader-zombie',
      'leader-pause',
      'rolling-restart',
      'network-degraded',
      'disk-wipe-replica',
      'power-loss-unflushed',
      'power-loss-all-replicas',
      'power-loss-leader',
      'power-loss-flush-every-message',
      'disk-eio-leader',
      'truncate-follower-segment',
      'bitflip-follower-segment',
      'random-nemesis',
      'controller-kill',
      'rollback-controller',
      'rollback-controller-majority',
      'reassignment-leader-kill',
      'elr-leader-isolated',
      'consumer-protocol-member-kill',
      'classic-protocol-member-kill',
      'consumer-protocol-commit-before-processing',
      'consumer-protocol-autocommit-unawaited',
    ])
      expect(names, n).toContain(n);
  });

  it('producer-crash-buffered: a killed producer process loses what it had in flight, nothing it had acknowledged', async () => {
    const r = await run('producer-crash-buffered');
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.counts.lost).toBe(0);
    expect(r.counts.indeterminate).toBeGreaterThan(0);
    expect(r.faults.map((f) => f.fault)).toEqual(['toxic', 'kill-producer']);
  }, 300_000);

  it('consumer-autocommit-unawaited: processing committed before it is done is lost with the member', async () => {
    const r = await run('consumer-autocommit-unawaited');
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.processing?.processedLost).toBeGreaterThan(0);
    expect(r.processing?.unprocessed).toBe(0);
  }, 300_000);

  it("consumer-protocol-commit-before-processing: Kafka's Java client on the KIP-848 protocol loses the message a member committed and died processing, one per kill", async () => {
    const r = await run('consumer-protocol-commit-before-processing');
    expect(r.verdict, r.reason).toBe('pass');
    const midMessage = r.faults.filter((f) => f.fault === 'kill-consumer' && (f.evidence ?? []).some((e) => e.endsWith('was in the middle of a message'))).length;
    expect(midMessage).toBeGreaterThan(0);
    expect(r.processing?.processedLost).toBeGreaterThan(0);
    expect(r.processing?.processedLost).toBeLessThanOrEqual(midMessage);
    expect(r.processing?.splitOwnership).toBe(0);
  }, 300_000);

  it('leader-zombie: the acks=1 producer loses what the zombie acknowledged, the acks=all one does not', async () => {
    const r = await run('leader-zombie');
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.byClient.acks1?.lost).toBeGreaterThan(0);
    expect(r.byClient.acksall?.lost).toBe(0);
    expect(r.lost.some((m) => /^cut \(listeners=replication\+controller\) of node \d$/.test(m.faultsInForce[0] ?? ''))).toBe(true);
  }, 300_000);

  it("disk-eio-leader: the leader's failing disk halts it, a follower takes over, nothing acknowledged is lost", async () => {
    const r = await run('disk-eio-leader');
    expect(r.verdict, r.reason).toBe('pass');
    const eio = r.faults.find((f) => f.fault === 'disk-eio')!;
    expect(eio.evidence!.join('\n')).toMatch(/the filesystem failed \d+ write.* call\(s\) on chaos-\*\/\* with EIO/);
    // Kafka halts when its only log dir fails: the heal finds the process gone and starts it again.
    expect(eio.healEvidence!.join('\n')).toMatch(/its process had ended by itself/);
  }, 300_000);

  it('truncate-follower-segment: Kafka leaves the follower whose segment lost its tail at rest out of the ISR', async () => {
    const r = await run('truncate-follower-segment');
    // README, findings: after a clean shutdown Kafka trusts the segment, loads it with log end
    // offset 0, and its fetcher fails on every fetch; nothing acknowledged is lost.
    expect(r.verdict, r.reason).toBe('fail');
    expect(r.reason).toBe('expected clusterRecovered 1, got 0');
    expect(r.counts.lost).toBe(0);
    expect(r.faults[0]!.evidence!.join('\n')).toMatch(/the last [\d,]+ bytes of chaos-0\/0+\.log \([\d,]+ bytes\) cut off/);
  }, 300_000);

  it('bitflip-follower-segment: Kafka serves a value whose bit flipped at rest once the damaged follower leads', async () => {
    const r = await run('bitflip-follower-segment');
    // README, findings: no CRC check after a clean shutdown, none when serving a fetch; kafkajs
    // checks none either, and the checker sees the changed byte.
    expect(r.verdict, r.reason).toBe('fail');
    expect(r.reason).toMatch(/^expected corruptedValues 0, got 1\b/);
    expect(r.counts.lost).toBe(0);
    const flip = r.faults.find((f) => f.fault === 'disk-corrupt')!;
    expect(flip.evidence!.join('\n')).toMatch(/bit \d of byte [\d,]+ of chaos-0\/0+\.log \([\d,]+ bytes\) flipped, 0x2e to 0x[0-9a-f]{2}/);
    expect(flip.evidence!.join('\n')).toMatch(/back in the ISR of chaos-0/);
  }, 300_000);

  it('rollback-controller: the controller restarted on an old copy has forgotten an epoch, and one forgetful voter is outvoted', async () => {
    const r = await run('rollback-controller');
    expect(r.verdict, r.reason).toBe('pass');
    const rollback = r.faults.find((f) => f.fault === 'rollback')!;
    // The copy is from before the election that the kill caused: the node comes back an epoch behind.
    const restored = /it had [\d,]+ files, [\d,]+ bytes; quorum epoch (\d+) .*; now [\d,]+ files, [\d,]+ bytes; quorum epoch (\d+) /.exec(rollback.healEvidence!.join('\n'));
    expect(restored, rollback.healEvidence!.join('\n')).not.toBeNull();
    expect(Number(restored![1])).toBeGreaterThan(Number(restored![2]));
    expect(r.quorum!.lostTopics).toEqual([]);
    expect(r.quorum!.splitEpochs).toEqual([]);
    expect(Object.keys(r.quorum!.nodesRead)).toHaveLength(3);
  }, 300_000);

  it('rollback-controller-majority: a majority restored from old copies elects itself and forgets committed topics; the witness halts', async () => {
    const r = await run('rollback-controller-majority');
    // README, findings: Raft's promise rests on a majority never forgetting; every broker loses
    // every topic created after the copies, and the node that remembers them halts rather than
    // truncate below its high watermark.
    expect(r.verdict, r.reason).toBe('fail');
    expect(r.quorum!.lostTopics.length).toBeGreaterThan(0);
    expect(r.quorum!.lostTopics.every((t) => t.missingOn.join() === '1,2')).toBe(true);
    expect(r.quorum!.nodesUnread[3]).toMatch(/^its process exited by itself/);
    expect(r.expectationResults.find((e) => e.measure === 'lostTopics')).toMatchObject({ held: false });
  }, 480_000);

  it('power-loss-unflushed: the only replica loses what it had not fsynced, and each loss is traced to its power cut', async () => {
    const r = await run('power-loss-unflushed');
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.counts.lost).toBeGreaterThan(0);
    const cut = r.faults.find((f) => f.fault === 'power-loss')!;
    expect(
      cut.evidence!.some((line) =>
        /power cut by the unsynced filesystem: [\d,]+ bytes not fsynced dropped, [1-9][\d,]* bytes of them in segment \(\.log\) files \(chaos-0\/0+\.log [\d,]+ bytes/.test(
          line,
        ),
      ),
      cut.evidence!.join('\n'),
    ).toBe(true);
    // Every lost message was in the bytes the leader's power cut dropped, and the report says so.
    for (const m of r.lost) {
      expect(m.droppedByPowerCut, m.explanation).toEqual(cut.nodes);
      expect(m.explanation).toContain(`not fsynced on node ${cut.nodes[0]}`);
    }
  }, 300_000);
});

// Users run these with the security they run in production: the same experiment, every listener of
// the cluster (client, replication, controller, the harness's own) SASL_SSL with SCRAM-SHA-512, on
// both brokers and both runtimes, must reach the same verdict as in plaintext. The two brokers run
// side by side, as a comparison would run them: a Kafka cluster takes about 1.2 cores and a
// broker-ts one about half a core (`/usr/bin/time` on `kafka-chaos run acksall-leader-kill`), so the
// pair fits two cores with the guards' margins intact (3,154 acknowledged during the window where
// 200 are required, on Kafka alone).
describe.each(['process', 'docker'] as const)('an experiment with SASL_SSL on every listener, on the %s runtime', (runtime) => {
  const skipped = runtime === 'docker' ? noDockerReason : undefined;
  it.skipIf(skipped !== undefined).concurrent.for(['kafka', 'broker-ts'] as const)(
    `acksall-leader-kill on %s: the leader killed, nothing acknowledged lost${skipped ? ` (skipped: ${skipped})` : ''}`,
    { timeout: 300_000 },
    // Concurrent tests assert with their own context's expect.
    async (broker: 'kafka' | 'broker-ts', { expect }) => {
      const r = await runExperiment(findExperiment('acksall-leader-kill'), broker, {
        runId: 'catalogue-test-sasl-ssl',
        runDir: join(out, `sasl-ssl-${runtime}`),
        seed: 5,
        runtime,
        ...(runtime === 'docker' ? { images: testImageSource() } : {}),
        security: { mode: 'sasl_ssl', mechanism: 'SCRAM-SHA-512' },
      });
      expect(r.verdict, r.reason).toBe('pass');
      expect(r.runtime).toBe(runtime);
      expect(r.config.security).toBe('sasl_ssl (SCRAM-SHA-512)');
      expect(r.counts.lost).toBe(0);
      expect(r.faults.map((f) => f.fault)).toContain('kill');
    },
  );
});
