// A short fuzz run, as CI affords it: a few thousand cases of every kind against a real broker-ts
// process, with a kafkajs producer and consumer working throughout (npm run fuzz runs long ones).
import { describe, expect, it } from 'vitest';
import { runFuzz } from './fuzz-run.js';

describe('the protocol fuzzer', () => {
  it('leaves broker-ts serving, its canary working and its memory bounded after a few thousand cases', async () => {
    const report = await runFuzz({
      cases: 4000,
      maxMs: 90_000,
      seed: 20261121,
      concurrency: 8,
      batch: 1000,
      maxRssMb: 512,
      heapLimitMb: 256,
      logLevel: 'error',
    });
    expect(report.failure, JSON.stringify(report.findings)).toBeUndefined();
    expect(report.cases).toBe(4000);
    expect(report.healthChecks).toBe(4);
    // Every kind of case ran, and the broker closed connections as well as answering requests.
    for (const kind of Object.keys(report.byKind))
      expect(
        Object.values(report.byKind[kind]!).reduce((a, b) => a + b, 0),
        kind,
      ).toBeGreaterThan(0);
    expect(report.byKind['mutated-request']!.closed).toBeGreaterThan(0);
    expect(report.byKind['mutated-request']!.answered).toBeGreaterThan(0);
    expect(report.canary.acknowledged).toBeGreaterThan(10);
    expect(report.canary.missing).toBe(0);
    expect(report.memory.maxMb).toBeLessThan(512);
    expect(report.brokerExitCode).toBe(0);
  }, 150_000);
});
