import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import { requireTool } from './tools.js';

export interface GoBuild {
  /** What is built, for messages ("toxiproxy v2.12.0"). */
  what: string;
  /** The cache dir the binary lives in, and its name there. */
  dir: string;
  binary: string;
  /** The go command's arguments, given the staging dir it must leave its output in. */
  args: (staging: string) => string[];
  /** The output's name in the staging dir. */
  output: string;
  cwd?: string;
  /** More environment, given the staging dir (`go install` writes to GOBIN). */
  env?: (staging: string) => NodeJS.ProcessEnv;
}

/**
 * The binary, built once with the go command: in a staging dir of this process, then moved into
 * the cache whole, so that a build cut short is never taken for a built binary.
 */
export function buildGoBinaryOnce(build: GoBuild): string {
  const bin = join(build.dir, build.binary);
  if (existsSync(bin)) return bin;
  requireTool('go', `build ${build.what}`);
  log.info({ what: build.what, cache: build.dir }, 'building with go (once)');
  const staging = `${build.dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const go = spawnSync('go', build.args(staging), {
    cwd: build.cwd,
    env: { ...process.env, CGO_ENABLED: '0', ...build.env?.(staging) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (go.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new HarnessError(`go build of ${build.what} failed:\n${(go.stderr ?? '').trim().slice(-2000)}`);
  }
  mkdirSync(build.dir, { recursive: true });
  renameSync(join(staging, build.output), bin);
  rmSync(staging, { recursive: true, force: true });
  return bin;
}
