import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli.js';
import { processStartTime } from '../proc.js';
import { supervisor } from '../supervisor.js';
import { removeLabelled, sweepAbandonedDockerRuns } from './cleanup.js';
import { dockerEngine } from './engine.js';
import { imageNames, pullIfMissing } from './images.js';
import { LABEL, runLabels, type HarnessIdentity } from './labels.js';
import { ensureLocalImages } from './local-images/build.js';
import { createRunNetwork } from './network.js';
import { dockerSuiteName, labelled, noDockerReason, testImageSource } from './test-support.js';

const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-docker-cleanup-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A harness that has died: a process that ran and is gone, so its pid and start time name no one. */
async function deadHarness(): Promise<HarnessIdentity> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const pid = child.pid!;
  const startTime = processStartTime(pid)!;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return { runId: `${pid}-${startTime}`, pid, startTime };
}

/** What a harness leaves when it dies between creating its network and its first container. */
async function plantRun(harness: HarnessIdentity, name: string): Promise<void> {
  const engine = await dockerEngine();
  const source = testImageSource();
  const image = imageNames(source).toxiproxy;
  if (source === 'local') await ensureLocalImages(engine, { toxiproxy: true });
  else await pullIfMissing(engine, image);
  const network = await createRunNetwork(engine.docker, name, runLabels(harness, name));
  const container = await engine.docker.createContainer({
    Image: image,
    name: `${name}-toxiproxy`,
    Labels: runLabels(harness, name, 'toxiproxy'),
    HostConfig: { NetworkMode: network.name, Init: true },
  });
  await container.start();
}

describe.skipIf(noDockerReason !== undefined)(dockerSuiteName('docker runtime cleanup'), () => {
  it('removes the containers and the network of a harness killed with SIGKILL (its reaper does)', async () => {
    const cli = runCli(['cluster', 'up', '--runtime', 'docker', '--images', testImageSource(), '--broker', 'kafka', '--nodes', '1', '--out', scratch]);
    const info = JSON.parse(await cli.line(/^\{/, 240_000)) as { runtime: string; nodes: { container: string }[] };
    expect(info.runtime).toBe('docker');
    const clusterName = info.nodes[0]!.container.replace(/-node-1$/, '');
    const before = await labelled(LABEL.cluster, clusterName);
    expect(before.containers.sort()).toEqual([`${clusterName}-node-1`, `${clusterName}-node-1-net`, `${clusterName}-toxiproxy`]);
    expect(before.networks).toEqual([clusterName]);

    // Still up (serving the cluster) until killed: the reaper, not the harness, cleans up.
    await new Promise((r) => setTimeout(r, 1000));
    expect(cli.child.exitCode).toBeNull();
    cli.child.kill('SIGKILL');
    expect((await cli.exit).signal).toBe('SIGKILL');
    const gone = await until(async () => {
      const now = await labelled(LABEL.cluster, clusterName);
      return now.containers.length === 0 && now.networks.length === 0;
    }, 30_000);
    expect(gone, JSON.stringify(await labelled(LABEL.cluster, clusterName))).toBe(true);
  }, 300_000);

  it('removes them itself on Ctrl-C, before it exits', async () => {
    const cli = runCli(['cluster', 'up', '--runtime', 'docker', '--images', testImageSource(), '--broker', 'kafka', '--nodes', '1', '--out', scratch]);
    const info = JSON.parse(await cli.line(/^\{/, 240_000)) as { nodes: { container: string }[] };
    const clusterName = info.nodes[0]!.container.replace(/-node-1$/, '');
    expect((await labelled(LABEL.cluster, clusterName)).containers).toHaveLength(3);
    cli.child.kill('SIGINT');
    expect((await cli.exit).code).toBe(130);
    expect(await labelled(LABEL.cluster, clusterName)).toEqual({ containers: [], networks: [] });
  }, 300_000);

  it('sweeps what dead harnesses left behind, and leaves the objects of live ones alone', async () => {
    const dead = await deadHarness();
    const alive: HarnessIdentity = { runId: supervisor().runId, ...supervisor().harness };
    const abandonedName = `kafka-chaos-sweeptest-${dead.pid}`;
    const liveName = `kafka-chaos-sweeptest-live-${process.pid}`;
    await plantRun(dead, abandonedName);
    await plantRun(alive, liveName);
    try {
      expect((await labelled(LABEL.cluster, abandonedName)).containers).toEqual([`${abandonedName}-toxiproxy`]);

      const swept = await sweepAbandonedDockerRuns((await dockerEngine()).docker);
      expect(swept.runs).toBeGreaterThanOrEqual(1);
      expect(await labelled(LABEL.cluster, abandonedName)).toEqual({ containers: [], networks: [] });
      expect(await labelled(LABEL.cluster, liveName)).toEqual({ containers: [`${liveName}-toxiproxy`], networks: [liveName] });
    } finally {
      await removeLabelled((await dockerEngine()).docker, LABEL.cluster, liveName);
      await removeLabelled((await dockerEngine()).docker, LABEL.cluster, abandonedName);
    }
    expect(await labelled(LABEL.cluster, liveName)).toEqual({ containers: [], networks: [] });
  }, 300_000);
});
