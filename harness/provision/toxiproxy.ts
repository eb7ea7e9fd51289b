import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import { cacheDir } from './cache.js';
import { requireTool } from './tools.js';

export const TOXIPROXY_VERSION = 'v2.12.0';

/** Path to a toxiproxy server binary: TOXIPROXY_BIN, or one built once with `go install`. */
export function provisionToxiproxy(): string {
  const fromEnv = process.env.TOXIPROXY_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new HarnessError(`TOXIPROXY_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const dir = cacheDir('toxiproxy', TOXIPROXY_VERSION);
  const bin = join(dir, 'toxiproxy-server');
  if (existsSync(bin)) return bin;

  requireTool('go', `build toxiproxy ${TOXIPROXY_VERSION}`);
  log.info({ version: TOXIPROXY_VERSION, cache: dir }, 'building toxiproxy with go install (once)');
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const go = spawnSync('go', ['install', `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], {
    env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (go.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new HarnessError(`go install of toxiproxy ${TOXIPROXY_VERSION} failed:\n${(go.stderr ?? '').trim().slice(-2000)}`);
  }
  mkdirSync(dir, { recursive: true });
  renameSync(join(staging, 'server'), bin);
  rmSync(staging, { recursive: true, force: true });
  return bin;
}
