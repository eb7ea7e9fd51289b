import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { takePreviousBrokerEpoch, writeCleanShutdown } from './clean-shutdown-file.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'clean-shutdown-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the clean shutdown file', () => {
  it("is Kafka's file: written in every log dir, taken once at the next start", () => {
    const [a, b] = [dir(), dir()];
    writeCleanShutdown([a, b], 42n);
    expect(readFileSync(join(a, '.kafka_cleanshutdown'), 'utf8')).toBe('{"version":0,"brokerEpoch":42}');
    expect(takePreviousBrokerEpoch([a, b])).toBe(42n);
    // Taken: a crash from now on is a crash.
    expect(existsSync(join(a, '.kafka_cleanshutdown'))).toBe(false);
    expect(takePreviousBrokerEpoch([a, b])).toBe(-1n);
  });

  it('names no epoch when a log dir lacks the file or the dirs disagree (a dir was offline at the shutdown)', () => {
    const [a, b] = [dir(), dir()];
    writeCleanShutdown([a], 7n);
    expect(takePreviousBrokerEpoch([a, b])).toBe(-1n);
    writeCleanShutdown([a], 7n);
    writeFileSync(join(b, '.kafka_cleanshutdown'), '{"version":0,"brokerEpoch":8}');
    expect(takePreviousBrokerEpoch([a, b])).toBe(-1n);
    // Never for a broker that had not registered.
    writeCleanShutdown([a], -1n);
    expect(existsSync(join(a, '.kafka_cleanshutdown'))).toBe(false);
  });
});
