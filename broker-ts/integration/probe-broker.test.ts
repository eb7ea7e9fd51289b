// The protocol layer's probe (every version of every API it knows, with a minimal body) against a
// broker-ts process: every advertised version is answered with a decodable response, everything
// else closes the connection, as with Kafka.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerProcess } from '../testing/broker-process.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'protocol', 'scripts', 'probe-broker.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let node: BrokerProcess;

beforeAll(async () => {
  node = await BrokerProcess.start();
});

afterAll(async () => {
  await node?.destroy();
});

describe('probe-broker.ts against broker-ts', () => {
  it('finds every advertised version answered and the rest refused', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX, SCRIPT, node.bootstrap], {
      maxBuffer: 10 * 1024 * 1024,
      timeout: 120_000,
    });
    const sections = stdout.split(/\n(?=\S)/);
    let probed = 0;
    for (const section of sections) {
      const [title, ...lines] = section.trim().split('\n');
      const advertised = /broker (\d+)-(\d+)$/.exec(title!);
      for (const line of lines) {
        const match = /^\s+v(\d+): (\w+)/.exec(line);
        if (match === null) continue;
        probed++;
        const version = Number(match[1]);
        const served = advertised !== null && version >= Number(advertised[1]) && version <= Number(advertised[2]);
        // Produce v0-2 are advertised (as Kafka 4 does) but not served.
        const refusedAnyway = title!.startsWith('Produce') && version < 3;
        expect(match[2], `${title} ${line.trim()}`).toBe(served && !refusedAnyway ? 'ok' : 'closed');
      }
    }
    expect(probed).toBeGreaterThan(150);
    expect(stdout).not.toMatch(/undecodable|timeout/);
  });
});
