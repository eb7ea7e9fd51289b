// Every broker-ts mutant (an unsafe broker.ts.bug.* setting) is caught by its catalogue experiment
// with the anomaly class it must produce named in the verdict, and with a complete drain; the same
// experiment and seed pass without the bug. One seed here; `kafka-chaos mutants --seeds 5` runs more
// (README: the anomaly table and the figures).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANOMALY_CLASSES } from '../checker/anomaly-classes.js';
import { findExperiment } from '../experiment/load.js';
import type { RunResult } from '../report/result.js';
import { MUTANTS, catchesLabel, catchesOf, runMutant } from './mutants.js';

const runDir = mkdtempSync(join(tmpdir(), 'broker-ts-mutants-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));
const offRuns = new Map<string, Promise<RunResult>>();
const SEED = 1;

describe('broker-ts mutants are caught by the anomaly class they cause', () => {
  it('every mutant names a catalogue experiment and an anomaly class', () => {
    for (const m of MUTANTS) {
      expect(() => findExperiment(m.experiment)).not.toThrow();
      for (const name of catchesOf(m)) expect(ANOMALY_CLASSES.map((c) => c.name)).toContain(name);
      expect(m.setting).toMatch(/^broker\.ts\.bug\./);
    }
  });

  for (const mutant of MUTANTS) {
    it(`${mutant.setting} is caught by ${mutant.experiment} (${catchesLabel(mutant)}), which passes without it`, async () => {
      const run = await runMutant(mutant, SEED, runDir, offRuns);
      expect(run.onProblem, `with ${mutant.setting}`).toBeUndefined();
      expect(run.on.drain?.complete).toBe(true);
      expect(run.off.verdict, `without the bug: ${run.off.reason}`).toBe('pass');
    }, 400_000);
  }
});
