import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.js';
import { startCluster } from '../start-cluster.js';

const logDir = mkdtempSync(join(tmpdir(), 'kafka-chaos-startup-failure-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('a broker that does not come up', () => {
  it('fails with a clear error that carries the tail of its log', async () => {
    const error = await startCluster({ broker: 'kafka', nodes: 1, logDir, brokerConfig: { 'num.network.threads': '-3' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    const message = (error as Error).message;
    // Kafka validates its configuration when the data dir is formatted, before the broker starts.
    expect(message).toMatch(
      /^formatting the data dir of Kafka node 1 \(kafka\.tools\.StorageTool\) failed: ConfigException: Invalid value -3 for configuration num\.network\.threads/,
    );
    expect(message).toMatch(/Last lines of .*format\.log/);
  });
});
