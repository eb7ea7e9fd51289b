import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli.js';

// Runs with or without an engine: DOCKER_HOST names a socket where none answers.
const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-no-engine-test-'));
const noEngine = { ...process.env, DOCKER_HOST: `unix://${join(scratch, 'no-docker.sock')}` };
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('without a Docker engine', () => {
  it('run and cluster up with --runtime docker exit 2 with a clear message and no stack trace', async () => {
    for (const args of [
      ['run', 'acks1-leader-kill', '--runtime', 'docker', '--broker', 'kafka', '--out', scratch],
      ['cluster', 'up', '--runtime', 'docker', '--broker', 'kafka', '--out', scratch],
      ['images', 'build'],
    ]) {
      const cli = runCli(args, noEngine);
      expect((await cli.exit).code, cli.stderr()).toBe(2);
      expect(cli.stderr()).toMatch(
        /^kafka-chaos: no Docker engine answers at DOCKER_HOST=unix:\/\/\S+no-docker\.sock \(.+\)\. --runtime docker needs a running Docker engine/m,
      );
      expect(cli.stderr()).not.toMatch(/\n\s+at /);
    }
  });

  it('the process runtime still starts clusters', async () => {
    const cli = runCli(['cluster', 'up', '--runtime', 'process', '--broker', 'kafka', '--nodes', '1', '--out', scratch], noEngine);
    const info = JSON.parse(await cli.line(/^\{/, 120_000)) as { runtime: string; nodes: { id: number }[] };
    expect(info.runtime).toBe('process');
    expect(info.nodes.map((n) => n.id)).toEqual([1]);
    cli.child.kill('SIGTERM');
    expect((await cli.exit).code).toBe(143);
  });
});
