import { existsSync, readFileSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { writeJsonAtomic } from '../report/result.js';

export type CellOutcome = 'pass' | 'fail' | 'flaky' | 'error' | 'not-applicable';

/**
 * What held last time, by experiment and broker line ("kafka-3.9", "kafka-4", "broker-ts").
 * A regression is an experiment that passed on a line in the baseline and does not now.
 */
export interface Baseline {
  createdAt: string;
  note: string;
  results: Record<string, Record<string, CellOutcome>>;
}

export function loadBaseline(file: string): Baseline | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Baseline;
  } catch (err) {
    throw new HarnessError(`${file}: not a baseline file (${(err as Error).message})`);
  }
}

/**
 * Writes this night's outcomes into the baseline. Cells not run tonight (a nightly of some
 * experiments or lines) keep their old outcome. A cell the old baseline calls flaky stays flaky:
 * one night that passes (or fails) does not show that it stopped being flaky; only editing the
 * baseline says so.
 */
export function writeBaseline(file: string, cells: Cell[], note: string, previous?: Baseline): void {
  const results: Baseline['results'] = structuredClone(previous?.results ?? {});
  for (const c of cells) (results[c.experiment] ??= {})[c.line] = previous?.results[c.experiment]?.[c.line] === 'flaky' ? 'flaky' : c.outcome;
  writeJsonAtomic(file, { createdAt: new Date().toISOString(), note, results } satisfies Baseline);
}

export interface Cell {
  experiment: string;
  line: string;
  outcome: CellOutcome;
}

export interface Comparison {
  regressions: (Cell & { was: CellOutcome })[];
  fixed: (Cell & { was: CellOutcome })[];
  flaky: Cell[];
  /** Not in the baseline. */
  untracked: Cell[];
}

export function compareWithBaseline(cells: Cell[], baseline: Baseline | undefined): Comparison {
  const out: Comparison = { regressions: [], fixed: [], flaky: [], untracked: [] };
  for (const c of cells) {
    if (c.outcome === 'flaky') out.flaky.push(c);
    const was = baseline?.results[c.experiment]?.[c.line];
    if (was === undefined) {
      out.untracked.push(c);
      continue;
    }
    if (was === 'pass' && (c.outcome === 'fail' || c.outcome === 'error')) out.regressions.push({ ...c, was });
    if (was !== 'pass' && c.outcome === 'pass') out.fixed.push({ ...c, was });
  }
  return out;
}

/** The outcome of repeated runs of one cell: flaky when they disagree. */
export function outcomeOf(verdicts: string[]): CellOutcome {
  const set = new Set(verdicts);
  if (set.size === 1) return verdicts[0] as CellOutcome;
  if (set.has('pass')) return 'flaky';
  return set.has('error') ? 'error' : 'fail';
}
