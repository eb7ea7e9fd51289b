import { existsSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { cacheDir } from './cache.js';
import { buildGoBinaryOnce } from './go-build.js';

export const TOXIPROXY_VERSION = 'v2.12.0';

/** Path to a toxiproxy server binary: TOXIPROXY_BIN, or one built once with `go install`. */
export function provisionToxiproxy(): string {
  const fromEnv = process.env.TOXIPROXY_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new HarnessError(`TOXIPROXY_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  return buildGoBinaryOnce({
    what: `toxiproxy ${TOXIPROXY_VERSION}`,
    dir: cacheDir('toxiproxy', TOXIPROXY_VERSION),
    binary: 'toxiproxy-server',
    args: () => ['install', `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`],
    env: (staging) => ({ GOBIN: staging }),
    output: 'server',
  });
}
