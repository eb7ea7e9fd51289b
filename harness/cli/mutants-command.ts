import { resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { MUTANTS, catchesLabel, catchesOf, mutantsNamed, runMutant, type MutantRun } from '../mutants/mutants.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';
import type { RunResult } from '../report/result.js';
import { newRunId } from './run-command.js';

export interface MutantsCommandOptions {
  /** Settings (or their short names); default: every mutant. */
  only: string[];
  seeds: number;
  firstSeed: number;
  out: string;
}

/**
 * `kafka-chaos mutants`: every broker-ts mutant at N seeds, with the bug on (must be caught by its
 * anomaly class) and off (must pass). Exits 0 when every run did what it must, 1 otherwise.
 */
export async function mutantsCommand(options: MutantsCommandOptions): Promise<number> {
  const mutants = options.only.length
    ? options.only.flatMap((name) => {
        const found = mutantsNamed(name);
        return found.length ? found : [failUnknown(name)];
      })
    : [...MUTANTS];
  provisionToxiproxy();
  const runDir = resolve(options.out, `mutants-${newRunId()}`);
  const offRuns = new Map<string, Promise<RunResult>>();
  const runs: MutantRun[] = [];
  for (const mutant of mutants) {
    for (let seed = options.firstSeed; seed < options.firstSeed + options.seeds; seed++) {
      const run = await runMutant(mutant, seed, runDir, offRuns);
      runs.push(run);
      process.stdout.write(
        `${mutant.setting} seed ${seed}: ${
          run.onProblem === undefined
            ? `caught (${catchesOf(mutant)
                .map((name) => `${name} ${run.on.anomalyClasses.find((a) => a.name === name)?.count ?? 0}`)
                .join(', ')})`
            : `NOT CAUGHT: ${run.onProblem}`
        }; off: ${run.off.verdict}\n`,
      );
    }
  }
  process.stdout.write('\n| setting | experiment | caught by | caught | passes without the bug |\n|---|---|---|---|---|\n');
  for (const mutant of mutants) {
    const mine = runs.filter((r) => r.mutant === mutant);
    const caught = mine.filter((r) => r.onProblem === undefined).length;
    const passed = mine.filter((r) => r.off.verdict === 'pass').length;
    process.stdout.write(
      `| \`${mutant.setting}\` | ${mutant.experiment} | \`${catchesLabel(mutant)}\` | ${caught} of ${mine.length} | ${passed} of ${mine.length} |\n`,
    );
  }
  process.stdout.write(`\nruns: ${runDir}\n`);
  return runs.every((r) => r.onProblem === undefined && r.off.verdict === 'pass') ? 0 : 1;
}

function failUnknown(name: string): never {
  throw new HarnessError(`mutants: no mutant "${name}"; known: ${[...new Set(MUTANTS.map((m) => m.setting))].join(', ')}`);
}
