import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DIR, loadCatalogue, selectScenarios } from './catalogue.js';
import { unmetNeed } from './run-scenario.js';

describe('compat catalogue', () => {
  it('has one scenario per module in scenarios/, named like its file, in file order', async () => {
    const catalogue = await loadCatalogue();
    const files = readdirSync(SCENARIO_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(catalogue.map((s) => s.name)).toEqual(files);
    for (const s of catalogue) expect(s.title.length, s.name).toBeGreaterThan(20);
  });

  it('covers what issues 3 and 5 ask for', async () => {
    const names = (await loadCatalogue()).map((s) => s.name);
    for (const required of [
      'admin-topics',
      'admin-metadata',
      'admin-topic-offsets',
      'admin-describe-configs',
      'admin-alter-configs',
      'admin-create-partitions',
      'admin-describe-groups',
      'admin-delete-groups',
      'admin-delete-records',
      'produce-acks',
      'produce-keys-headers-nulls',
      'produce-large-messages',
      'produce-idempotent-resets',
      'produce-many-partitions',
      'compression-gzip',
      'compression-snappy',
      'compression-lz4',
      'compression-zstd',
      'consume-group-rebalance',
      'consume-from-beginning',
      'consume-seek',
      'consume-pause-resume',
      'consume-commit-offsets',
      'list-offsets-by-timestamp',
      'client-kcat',
      'client-java-verifiable',
      'consumer-protocol-verifiable',
      'consumer-protocol-online-upgrade',
      'tool-kafka-console-consumer',
    ]) {
      expect(names).toContain(required);
    }
  });

  it('selects scenarios by name and names the unknown ones with the known list', async () => {
    const catalogue = await loadCatalogue();
    expect(selectScenarios(catalogue, ['produce-acks', 'admin-topics']).map((s) => s.name)).toEqual(['admin-topics', 'produce-acks']);
    expect(selectScenarios(catalogue, [])).toHaveLength(catalogue.length);
    expect(() => selectScenarios(catalogue, ['produce-acks', 'no-such'])).toThrow(/no compat scenario named "no-such"; known: admin-/);
  });

  it('skips a scenario whose kafkajs release, tools or cluster size do not fit, saying why', () => {
    expect(unmetNeed({ kafkajs: '2.0.0' }, '1.16.0', 3)).toBe('needs kafkajs 2.0.0 or newer (this is 1.16.0)');
    expect(unmetNeed({ kafkajs: '2.0.0' }, '2.0.2', 3)).toBeUndefined();
    expect(unmetNeed({ nodes: 3 }, '2.2.4', 1)).toBe('needs a cluster of 3 nodes or more (this one has 1)');
    expect(unmetNeed({ tools: ['java'] }, '2.2.4', 1)).toBeUndefined();
  });
});
