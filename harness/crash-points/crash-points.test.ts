// The crash-point test of broker-ts's storage, on a bounded number of points (the long form is
// `kafka-chaos crash-points --points N`): broker-ts recovers every disk and keeps everything it
// acknowledged; with a flush that skips its fsync it loses acknowledged writes at power cuts; with a
// recovery that leaves a torn batch in place it loses the writes that follow at the next crash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { supervisor } from '../runtime/supervisor.js';
import { runCrashPoints, spreadPoints } from './crash-points.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';

const sup = supervisor();
const root = sup.tempDir('crash-points-test');
afterAll(() => sup.forgetTempDir(root));

describe('spreadPoints', () => {
  it('takes one point in each equal stretch of the candidates, all of them when there are few', () => {
    const candidates = Array.from({ length: 100 }, (_, i) => i * 3);
    const points = spreadPoints(candidates, 10, new SeededRandom(7));
    expect(points).toHaveLength(10);
    points.forEach((p, j) => {
      expect(candidates.indexOf(p)).toBeGreaterThanOrEqual(j * 10);
      expect(candidates.indexOf(p)).toBeLessThan((j + 1) * 10);
    });
    expect(spreadPoints([4, 9], 5, new SeededRandom(1))).toEqual([4, 9]);
    // Fewer than two candidates a point: still never the same one twice.
    for (let seed = 1; seed <= 50; seed++) {
      const dense = spreadPoints(candidates.slice(0, 13), 10, new SeededRandom(seed));
      expect(new Set(dense).size).toBe(10);
      expect([...dense].sort((a, b) => a - b)).toEqual(dense);
    }
  });
});

describe('the crash-point test of broker-ts', () => {
  it('recovers every disk and keeps every acknowledged message, topic and commit', async () => {
    const report = await runCrashPoints({ points: 6, seed: 1, loadMs: 3000, outDir: join(root, 'clean') });
    expect(report.tried).toBe(12);
    expect(report.results.filter((r) => r.image === 'torn-write')).toHaveLength(6);
    expect(
      report.results
        .filter((r) => !r.passed)
        .map((r) => ({ ops: r.ops, image: r.image, error: r.recoveryError ?? r.writeError ?? r.readError, lost: r.lostMessages.slice(0, 3) })),
    ).toEqual([]);
    expect(report.failed).toBe(0);
    // The points fell where there was something to keep, and the load did all three kinds of write.
    const last = report.results.at(-1)!;
    expect(last.requiredMessages).toBeGreaterThan(100);
    expect(last.requiredTopics).toBeGreaterThan(1);
    expect(last.requiredCommits).toBeGreaterThan(1);
    expect(report.trace.fsyncs).toBeGreaterThan(report.load.messages / 10);
    // Every kind of log got its share of the points, not only the data partitions, which write most.
    for (const kind of ['data segments', '__consumer_offsets', 'metadata log']) expect(report.results.map((r) => r.cutIn)).toContain(kind);
    expect(JSON.parse(readFileSync(join(root, 'clean', 'crash-points.json'), 'utf8')).tried).toBe(12);
  });

  it('catches a flush that skips its fsync: power cuts take acknowledged messages', async () => {
    const report = await runCrashPoints({
      points: 6,
      seed: 2,
      loadMs: 2000,
      outDir: join(root, 'skips-fsync'),
      brokerConfig: { 'broker.ts.bug.flush.skips.fsync': 'true' },
    });
    // Where messages had been acknowledged by the point, which is nearly everywhere.
    const powerCuts = report.results.filter((r) => r.image === 'power-cut' && r.requiredMessages > 0);
    expect(powerCuts.length).toBeGreaterThanOrEqual(3);
    expect(powerCuts.filter((r) => r.passed || r.lostMessages.length === 0).map((r) => ({ ops: r.ops, cutIn: r.cutIn, required: r.requiredMessages }))).toEqual(
      [],
    );
  });

  it('catches a recovery that leaves a torn batch in its segment: the writes after it are gone after the next crash', async () => {
    const report = await runCrashPoints({
      points: 10,
      seed: 3,
      loadMs: 2000,
      outDir: join(root, 'keeps-torn-tail'),
      brokerConfig: { 'broker.ts.bug.recovery.keeps.torn.tail': 'true' },
    });
    // The writes after recovery go to the data topic: a torn batch elsewhere (the metadata log) is not in their way.
    const tornSegments = report.results.filter((r) => r.image === 'torn-write' && /^crash-points-\d+\/\d+\.log$/.test(r.torn!.path));
    expect(tornSegments.length).toBeGreaterThan(0);
    // Each one fails for that reason; any other (a start, a read, a topic or a message) shows in full.
    const otherwise = tornSegments.filter((r) => r.passed || !/gone after one more crash/.test(r.writeError ?? ''));
    expect(
      otherwise.map(({ lostMessages, changedMessages, ...r }) => ({
        ...r,
        lostMessages: lostMessages.slice(0, 5),
        changedMessages: changedMessages.slice(0, 5),
      })),
    ).toEqual([]);
    // Power cuts leave whole batches: the bug is not in their way.
    expect(report.results.filter((r) => r.image === 'power-cut').every((r) => r.passed)).toBe(true);
  });
});
