import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli.js';
import { judgeMemory, type MemorySample } from './memory-monitor.js';
import type { SoakResult } from './soak-run.js';

const scratch = mkdtempSync(join(tmpdir(), 'kafka-chaos-soak-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LIMITS = { maxSlopeMbPerHour: 60, warmupMs: 3 * 60_000, minJudgedMs: 10 * 60_000 };

/** One sample a minute for `minutes`, growing `perMinute` MB, with ±3 MB of noise. */
function samples(node: number, pid: number, minutes: number, perMinute: number, fromMinute = 0): MemorySample[] {
  return Array.from({ length: minutes }, (_, i) => ({ at: (fromMinute + i) * 60_000, node, pid, rssMb: 300 + i * perMinute + ((i * 7) % 7) - 3 }));
}

describe('memory judgement', () => {
  it('passes flat memory, fails steady growth, and does not judge what ran too briefly', () => {
    expect(judgeMemory([...samples(1, 10, 30, 0), ...samples(2, 20, 30, 0.2)], LIMITS).flat).toBe(true);
    const leaking = judgeMemory([...samples(1, 10, 30, 0), ...samples(2, 20, 30, 2)], LIMITS);
    expect(leaking.flat).toBe(false);
    expect(leaking.reason).toMatch(/node 2 \(pid 20\) grew 1\d\d(\.\d)? MB\/hour, over the limit of 60/);
    // A restart starts a new incarnation: growth before it and after it are judged apart.
    const restarted = judgeMemory([...samples(1, 10, 8, 2), ...samples(1, 11, 24, 0, 8)], LIMITS);
    expect(restarted.trends.map((t) => t.judged)).toEqual([false, true]);
    expect(restarted.flat).toBe(true);
    expect(judgeMemory(samples(1, 10, 5, 5), LIMITS).flat).toBeUndefined();
  });

  it('judges the second half of a long life: growth that levels off is warm-up, growth that goes on is a leak', () => {
    // 4 MB a minute for 12 minutes, then flat for 40: a heap that found its size.
    const levelled = samples(1, 10, 52, 0).map((s, i) => ({ ...s, rssMb: s.rssMb + Math.min(i, 12) * 4 }));
    expect(judgeMemory(levelled, LIMITS).flat).toBe(true);
    // The same start, then 1.5 MB a minute (90 MB an hour) for the rest.
    const leaking = samples(1, 10, 52, 0).map((s, i) => ({ ...s, rssMb: s.rssMb + Math.min(i, 12) * 4 + Math.max(0, i - 12) * 1.5 }));
    expect(judgeMemory(leaking, LIMITS).flat).toBe(false);
  });
});

describe('kafka-chaos soak', () => {
  it('runs the random nemesis in cycles on broker-ts, checking each cycle and sampling memory', async () => {
    const cli = runCli(['soak', '--duration', '40s', '--cycle', '20s', '--broker', 'broker-ts', '--nodes', '1', '--seed', '5', '--out', scratch]);
    const exit = await cli.exit;
    expect(exit.code, cli.stderr().slice(-3000)).toBe(0);
    expect(cli.stdout()).toMatch(/soak on broker-ts \S+: PASS/);
    const [runId] = readdirSync(join(scratch, 'soak'));
    const dir = join(scratch, 'soak', runId!);
    const result = JSON.parse(readFileSync(join(dir, 'soak.json'), 'utf8')) as SoakResult;
    expect(result.verdict).toBe('pass');
    expect(result.cycles.length).toBe(2);
    for (const cycle of result.cycles) {
      expect(cycle.verdict).toBe('pass');
      expect(cycle.counts.lost).toBe(0);
      expect(cycle.counts.acknowledged).toBeGreaterThan(100);
      expect(cycle.drain?.complete).toBe(true);
      expect(cycle.faults.some((f) => f.fault === 'mix')).toBe(true);
      expect(existsSync(join(dir, `cycle-${cycle.cycle}`, 'history.jsonl'))).toBe(true);
    }
    // The second cycle's drain starts where the first one stopped.
    const [first, second] = result.cycles;
    expect(second!.drain!.messagesRead).toBeLessThan(second!.drain!.endOffsets[0]! + second!.drain!.endOffsets[1]! + second!.drain!.endOffsets[2]!);
    expect(Object.values(first!.drain!.endOffsets).every((o) => o > 0)).toBe(true);
    expect(result.memory.samples.length).toBeGreaterThan(5);
    expect(result.memory.flat).toBeUndefined();
    for (const file of ['summary.md', 'index.html']) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toMatch(/id="memory"/);
  }, 240_000);
});
