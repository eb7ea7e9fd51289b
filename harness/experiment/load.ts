import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { HarnessError, errorMessage } from '../errors.js';
import { REPO_ROOT } from '../runtime/supervisor.js';
import { faultKind } from '../nemesis/registry.js';
import { experimentJsonSchema } from './json-schema.js';
import { experimentSchema, type Experiment } from './schema.js';

export const EXPERIMENTS_DIR = join(REPO_ROOT, 'experiments');

let jsonSchema: Record<string, unknown> | undefined;

/** The field names an experiment file may hold at `path`, read from its JSON Schema, to tell the author what was expected. */
function knownFields(path: PropertyKey[]): string[] {
  let node = (jsonSchema ??= experimentJsonSchema()) as { properties?: Record<string, unknown>; items?: unknown } | undefined;
  for (const key of path) node = (typeof key === 'number' ? node?.items : node?.properties?.[String(key)]) as typeof node;
  return Object.keys(node?.properties ?? {});
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length
    ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
    : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownFields(issue.path);
    return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}${known.length ? `; expected one of ${known.join(', ')}` : ''}`;
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) return `${path}: invalid name: ${issue.issues[0].message}`;
  return `${path}: ${issue.message}`;
}

/** Parses and validates one experiment file; errors name the file, the field and what was expected. */
export function loadExperimentFile(file: string): Experiment {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HarnessError(`${file}: not valid YAML: ${errorMessage(err)}`);
  }
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HarnessError(`${file}: invalid experiment:\n${parsed.error.issues.map((i) => `  - ${describeIssue(i)}`).join('\n')}`);
  }
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (parsed.data.name !== expected) {
    throw new HarnessError(`${file}: name: expected "${expected}" (the file name), found "${parsed.data.name}"`);
  }
  const steps = parsed.data.faults;
  const names = new Set<string>();
  steps.forEach((s, i) => {
    const problem = faultKind(s.fault)!.check?.(s.params, parsed.data);
    if (problem) throw new HarnessError(`${file}: faults[${i}].${problem}`);
    if (s.target?.startsWith('@') && !names.has(s.target.slice(1))) {
      throw new HarnessError(`${file}: faults[${i}].target: "${s.target}" refers to no earlier step with that name`);
    }
    if (s.name) names.add(s.name);
    if (s.at > parsed.data.workload.duration) {
      throw new HarnessError(`${file}: faults[${i}].at: ${s.at} ms is after the workload ends (${parsed.data.workload.duration} ms)`);
    }
  });
  return parsed.data;
}

export function experimentFiles(dir = EXPERIMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function listExperiments(dir = EXPERIMENTS_DIR): Experiment[] {
  return experimentFiles(dir).map((f) => loadExperimentFile(f));
}

/** By name (from experiments/) or by path to a file. */
export function findExperiment(nameOrPath: string, dir = EXPERIMENTS_DIR): Experiment {
  if (/\.ya?ml$/.test(nameOrPath)) {
    if (!existsSync(nameOrPath)) throw new HarnessError(`no experiment file ${nameOrPath}`);
    return loadExperimentFile(nameOrPath);
  }
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, `${nameOrPath}${ext}`);
    if (existsSync(file)) return loadExperimentFile(file);
  }
  const known = experimentFiles(dir).map((f) => basename(f).replace(/\.ya?ml$/, ''));
  throw new HarnessError(`no experiment named "${nameOrPath}"; known: ${known.join(', ') || '(none)'}`);
}
