import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, loadBaseline, outcomeOf, writeBaseline, type Cell } from './baseline.js';

describe('nightly baseline', () => {
  it('repeats that disagree are flaky; all failing is a failure', () => {
    expect(outcomeOf(['pass', 'pass'])).toBe('pass');
    expect(outcomeOf(['pass', 'fail', 'pass'])).toBe('flaky');
    expect(outcomeOf(['fail', 'fail'])).toBe('fail');
    expect(outcomeOf(['fail', 'error'])).toBe('error');
    expect(outcomeOf(['not-applicable'])).toBe('not-applicable');
  });

  it('a regression is a pass in the baseline that fails now; new failures and flakes are reported apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-chaos-baseline-'));
    try {
      const file = join(dir, 'baseline.json');
      const before: Cell[] = [
        { experiment: 'a', line: 'kafka-4', outcome: 'pass' },
        { experiment: 'a', line: 'broker-ts', outcome: 'fail' },
        { experiment: 'b', line: 'kafka-4', outcome: 'pass' },
        { experiment: 'c', line: 'kafka-4', outcome: 'pass' },
      ];
      writeBaseline(file, before, 'test');
      const now: Cell[] = [
        { experiment: 'a', line: 'kafka-4', outcome: 'fail' },
        { experiment: 'a', line: 'broker-ts', outcome: 'pass' },
        { experiment: 'b', line: 'kafka-4', outcome: 'flaky' },
        { experiment: 'c', line: 'kafka-4', outcome: 'error' },
        { experiment: 'd', line: 'kafka-4', outcome: 'fail' },
      ];
      const c = compareWithBaseline(now, loadBaseline(file));
      expect(c.regressions.map((r) => `${r.experiment}/${r.line}`)).toEqual(['a/kafka-4', 'c/kafka-4']);
      expect(c.fixed.map((r) => `${r.experiment}/${r.line}`)).toEqual(['a/broker-ts']);
      expect(c.flaky.map((r) => r.experiment)).toEqual(['b']);
      expect(c.untracked.map((r) => r.experiment)).toEqual(['d']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rewriting keeps flaky cells flaky and the cells not run tonight as they were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-chaos-baseline-'));
    try {
      const file = join(dir, 'baseline.json');
      writeBaseline(
        file,
        [
          { experiment: 'a', line: 'kafka-4', outcome: 'flaky' },
          { experiment: 'b', line: 'kafka-4', outcome: 'pass' },
        ],
        'first',
      );
      writeBaseline(
        file,
        [
          { experiment: 'a', line: 'kafka-4', outcome: 'pass' },
          { experiment: 'b', line: 'kafka-4', outcome: 'fail' },
        ],
        'second',
        loadBaseline(file),
      );
      expect(loadBaseline(file)!.results).toEqual({ a: { 'kafka-4': 'flaky' }, b: { 'kafka-4': 'fail' } });
      // A night of one experiment on one line leaves every other cell as it was.
      writeBaseline(file, [{ experiment: 'c', line: 'broker-ts', outcome: 'pass' }], 'third', loadBaseline(file));
      expect(loadBaseline(file)!.results).toEqual({ a: { 'kafka-4': 'flaky' }, b: { 'kafka-4': 'fail' }, c: { 'broker-ts': 'pass' } });
      expect(compareWithBaseline([{ experiment: 'a', line: 'kafka-4', outcome: 'fail' }], loadBaseline(file)).regressions).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a baseline nothing is a regression', () => {
    expect(compareWithBaseline([{ experiment: 'a', line: 'kafka-4', outcome: 'fail' }], undefined).regressions).toEqual([]);
  });
});
