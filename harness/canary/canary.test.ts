// The canary against real releases: Kafka 4.4.0 plays the new release and 4.3.1 the tested one. The
// broker-ts of before 4.4.0 was compared with 4.3.1 and answered as it does, so what the canary names
// here is what it would have named for that broker-ts when 4.4.0 came out (the two differences that
// turned CI red: ApiVersions v5 and the topic config errors.deadletterqueue.group.enable).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCanary } from './canary.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-chaos-canary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the canary', () => {
  it('names what a newer release changed, and where broker-ts differs from it', async () => {
    const report = await runCanary({ dir: join(dir, 'newer'), tested: '4.3.1', candidate: '4.4.0' });
    expect(report).toMatchObject({ tested: '4.3.1', candidate: '4.4.0', status: 'differs' });
    expect(report.protocolChanges).toContain('ApiVersions (18): v5 added (request adds ClusterId, NodeId)');
    expect(report.kafkaChanges).toContain('api-versions › ApiVersions (18) › max: Kafka 4.3.1 4, Kafka 4.4.0 5');
    expect(report.kafkaChanges).toContain(
      'configs › topic cmp-configs › configs › errors.deadletterqueue.group.enable: only Kafka 4.4.0 has it ({"value":"false","source":"DEFAULT_CONFIG","readOnly":false,"type":"BOOLEAN"})',
    );
    // broker-ts has since caught up with 4.4.0.
    expect(report.brokerTsDifferences).toEqual([]);
    const markdown = readFileSync(join(dir, 'newer', 'canary.md'), 'utf8');
    expect(markdown).toContain('# Kafka 4.4.0 against the tested 4.3.1');
    expect(markdown).toContain('- api-versions › ApiVersions (18) › max: Kafka 4.3.1 4, Kafka 4.4.0 5');
    expect(markdown).toContain('No difference: broker-ts answers as this release does.');
    expect(JSON.parse(readFileSync(join(dir, 'newer', 'canary.json'), 'utf8'))).toEqual(report);
  }, 300_000);

  it('has nothing to do when the release is the tested one', async () => {
    const report = await runCanary({ dir: join(dir, 'same'), tested: '4.4.0', candidate: '4.4' });
    expect(report).toMatchObject({ tested: '4.4.0', candidate: '4.4.0', status: 'no-newer-release', kafkaChanges: [], brokerTsDifferences: [] });
    expect(existsSync(join(dir, 'same', 'nodes'))).toBe(false);
  });
});
