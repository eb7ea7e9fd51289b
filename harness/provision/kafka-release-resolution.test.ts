// Which Kafka release a command runs, with a stand-in for Maven Central that has published releases
// newer than the tested ones: the default and every tested line must not move, "latest" must.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { candidateVersions, newestPublishedRelease, testedReleaseFor } from './kafka.js';
import { DEFAULT_KAFKA_RELEASE, TESTED_KAFKA_RELEASES } from './tested-kafka-releases.js';

function metadata(versions: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<metadata><groupId>org.apache.kafka</groupId><versioning><versions>${versions.map((v) => `<version>${v}</version>`).join('')}</versions></versioning></metadata>`;
}

// Tomorrow's Maven Central: 4.5.0 and a 3.9.3 are out; 5.0.0's broker jar is listed before its tools jar.
const PUBLISHED: Record<string, string[]> = {
  'kafka_2.13': ['3.9.1', '3.9.2', '3.9.3', '4.3.1', '4.4.0', '4.5.0', '4.5.0-rc1', '5.0.0'],
  'kafka-tools': ['3.9.1', '3.9.2', '3.9.3', '4.3.1', '4.4.0', '4.5.0'],
};

let server: Server;
let requests: string[] = [];
const saved = { repo: process.env.KAFKA_CHAOS_MAVEN_REPO, cache: process.env.KAFKA_CHAOS_CACHE };
const cache = mkdtempSync(join(tmpdir(), 'kafka-chaos-cache-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const artifact = /^\/org\/apache\/kafka\/([^/]+)\/maven-metadata\.xml$/.exec(req.url ?? '')?.[1];
    const versions = artifact === undefined ? undefined : PUBLISHED[artifact];
    if (versions === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(metadata(versions));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.KAFKA_CHAOS_MAVEN_REPO = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // An empty cache: nothing may be resolved from jars an earlier run left.
  process.env.KAFKA_CHAOS_CACHE = cache;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const [key, value] of [
    ['KAFKA_CHAOS_MAVEN_REPO', saved.repo],
    ['KAFKA_CHAOS_CACHE', saved.cache],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(cache, { recursive: true, force: true });
});

beforeEach(() => {
  requests = [];
});

describe('Kafka release resolution with newer releases published', () => {
  it('the default is the pinned release, found without asking Maven Central', async () => {
    expect(await candidateVersions(undefined)).toEqual([DEFAULT_KAFKA_RELEASE]);
    expect(TESTED_KAFKA_RELEASES).toContain(DEFAULT_KAFKA_RELEASE);
    expect(requests).toEqual([]);
  });

  it("the nightly's lines (3.9 and 4) and exact tested releases stay on the tested releases", async () => {
    expect(await candidateVersions('3.9')).toEqual(['3.9.2']);
    expect(await candidateVersions('4')).toEqual(['4.4.0']);
    expect(await candidateVersions('4.4')).toEqual(['4.4.0']);
    expect(await candidateVersions('3.9.2')).toEqual(['3.9.2']);
    expect(requests).toEqual([]);
  });

  it('an exact untested release is taken as it is', async () => {
    expect(await candidateVersions('4.5.0')).toEqual(['4.5.0']);
    expect(requests).toEqual([]);
  });

  it('"latest" is the newest release with both its broker and tools jars published, newest first', async () => {
    expect(await candidateVersions('latest')).toEqual(['4.5.0', '4.4.0', '4.3.1', '3.9.3', '3.9.2', '3.9.1']);
    expect(await newestPublishedRelease()).toBe('4.5.0');
    expect(requests.length).toBeGreaterThan(0);
  });

  it('a prefix no tested release matches asks Maven Central', async () => {
    expect(await candidateVersions('4.3')).toEqual(['4.3.1']);
    expect(await candidateVersions('4.5')).toEqual(['4.5.0']);
    await expect(candidateVersions('5')).rejects.toThrow(/no Kafka release matching "5"/);
  });

  it('names the tested release of a request, if any', () => {
    expect(testedReleaseFor(undefined)).toBe(DEFAULT_KAFKA_RELEASE);
    expect(testedReleaseFor('3')).toBe('3.9.2');
    expect(testedReleaseFor('latest')).toBeUndefined();
    expect(testedReleaseFor('4.3')).toBeUndefined();
  });
});
