import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../runtime/supervisor.js';
import { cacheDir } from './cache.js';
import { buildGoBinaryOnce } from './go-build.js';

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
  return buildGoBinaryOnce({
    what: 'the unsynced filesystem (harness/unsynced-fs) that power-loss and disk faults need',
    dir: cacheDir('unsynced-fs', sourceHash()),
    binary: 'unsynced-fs',
    args: (staging) => ['build', '-mod=readonly', '-o', join(staging, 'unsynced-fs'), '.'],
    output: 'unsynced-fs',
    cwd: UNSYNCED_FS_SOURCE,
  });
}
