import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import { REPO_ROOT } from '../runtime/supervisor.js';
import { cacheDir } from './cache.js';
import { requireTool } from './tools.js';

/** The filesystem's Go sources; go.sum pins go-fuse, the one module it needs. */
export const UNSYNCED_FS_SOURCE = join(REPO_ROOT, 'harness', 'unsynced-fs');

/** A hash of the sources: a changed source builds a new binary, never runs a stale one. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(UNSYNCED_FS_SOURCE).sort()) {
    if (!/\.(go|mod|sum)$/.test(name) || name.endsWith('_test.go')) continue;
    hash.update(name).update(readFileSync(join(UNSYNCED_FS_SOURCE, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Path to the unsynced-fs binary, built once per version of its sources with `go build`. */
export function provisionUnsyncedFs(): string {
  const dir = cacheDir('unsynced-fs', sourceHash());
  const bin = join(dir, 'unsynced-fs');
  if (existsSync(bin)) return bin;

  requireTool('go', 'build the unsynced filesystem (harness/unsynced-fs) that power-loss faults need');
  log.info({ cache: dir }, 'building unsynced-fs with go build (once)');
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const go = spawnSync('go', ['build', '-mod=readonly', '-o', join(staging, 'unsynced-fs'), '.'], {
    cwd: UNSYNCED_FS_SOURCE,
    env: { ...process.env, CGO_ENABLED: '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (go.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new HarnessError(`go build of harness/unsynced-fs failed:\n${(go.stderr ?? '').trim().slice(-2000)}`);
  }
  mkdirSync(dir, { recursive: true });
  renameSync(join(staging, 'unsynced-fs'), bin);
  rmSync(staging, { recursive: true, force: true });
  return bin;
}
