// Every input fetched at run time is pinned, and the files that repeat a pin (Compose files, the
// Dockerfile's default) repeat the one the harness uses, so a fresh machine builds what was tested.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageNames, OFFICIAL_NODE_IMAGE } from '../runtime/docker/images.js';
import { REPO_ROOT } from '../runtime/supervisor.js';
import { DEFAULT_KAFKA_RELEASE, TESTED_KAFKA_RELEASES } from './tested-kafka-releases.js';
import { TOXIPROXY_VERSION } from './toxiproxy.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('pinned inputs', () => {
  it('the tested Kafka releases are exact releases, the default among them', () => {
    for (const release of TESTED_KAFKA_RELEASES) expect(release).toMatch(/^\d+\.\d+\.\d+$/);
    expect(TESTED_KAFKA_RELEASES).toContain(DEFAULT_KAFKA_RELEASE);
  });

  it('images are named by exact versions', () => {
    const official = imageNames('official');
    expect(official.kafka(DEFAULT_KAFKA_RELEASE)).toBe(`apache/kafka:${DEFAULT_KAFKA_RELEASE}`);
    expect(official.toxiproxy).toBe(`ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, '')}`);
    expect(OFFICIAL_NODE_IMAGE).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim$/);
  });

  it('the Compose files and the Dockerfile default to the same images', () => {
    const toxiproxy = imageNames('official').toxiproxy;
    expect(read('compose/kafka.yml')).toContain(`\${KAFKA_IMAGE:-apache/kafka:${DEFAULT_KAFKA_RELEASE}}`);
    expect(read('compose/kafka.yml')).toContain(`\${TOXIPROXY_IMAGE:-${toxiproxy}}`);
    expect(read('compose/broker-ts.yml')).toContain(`\${TOXIPROXY_IMAGE:-${toxiproxy}}`);
    expect(read('compose/broker-ts.yml')).toContain(`\${NODE_IMAGE:-${OFFICIAL_NODE_IMAGE}}`);
    expect(read('broker-ts/Dockerfile')).toContain(`ARG NODE_IMAGE=${OFFICIAL_NODE_IMAGE}\n`);
  });

  it('the unsynced filesystem builds against an exact go-fuse, checked by go.sum', () => {
    const version = /github\.com\/hanwen\/go-fuse\/v2 (v\d+\.\d+\.\d+)\n/.exec(read('harness/unsynced-fs/go.mod'))?.[1];
    expect(version).toBeDefined();
    expect(read('harness/unsynced-fs/go.sum')).toContain(`github.com/hanwen/go-fuse/v2 ${version} h1:`);
  });

  it('the README names the tested releases', () => {
    const readme = read('README.md');
    for (const release of TESTED_KAFKA_RELEASES) expect(readme).toContain(release);
  });
});
