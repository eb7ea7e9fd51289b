import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HarnessError } from '../errors.js';
import type { CompatScenario } from './scenario.js';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

/**
 * Every module in scenarios/, in file-name order: adding a scenario is adding a file there whose
 * default export is a `defineScenario(...)` named like the file.
 */
export async function loadCatalogue(): Promise<CompatScenario[]> {
  const files = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const scenarios: CompatScenario[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(SCENARIO_DIR, file)).href)) as { default?: CompatScenario };
    const scenario = mod.default;
    if (!scenario || typeof scenario.run !== 'function') {
      throw new HarnessError(`${join(SCENARIO_DIR, file)}: the default export must be defineScenario({...})`);
    }
    if (scenario.name !== basename(file, '.ts')) {
      throw new HarnessError(`${join(SCENARIO_DIR, file)}: scenario name "${scenario.name}" must be the file name "${basename(file, '.ts')}"`);
    }
    scenarios.push(scenario);
  }
  return scenarios;
}

/** The named scenarios in catalogue order, or all of them when no name is given. */
export function selectScenarios(catalogue: CompatScenario[], names: string[]): CompatScenario[] {
  if (names.length === 0) return catalogue;
  const known = new Set(catalogue.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw new HarnessError(`no compat scenario named ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${[...known].join(', ')}`);
  }
  return catalogue.filter((s) => names.includes(s.name));
}
