import { HarnessError } from '../errors.js';
import type { OptionSpecs } from './command-spec.js';
import type { Experiment } from '../experiment/schema.js';
import { faultKind } from '../nemesis/registry.js';
import { parseImageSource } from '../runtime/docker/images.js';
import { RUNTIME_CAPABILITIES, RUNTIME_KINDS, runtimeOf, type RuntimeKind } from '../runtime/start-cluster.js';

/** The options that choose a runtime, for every command that starts clusters. */
export const RUNTIME_OPTIONS: OptionSpecs = {
  runtime: { type: 'string', value: 'process|docker', help: 'where nodes and toxiproxy run: local processes, or containers (default process)' },
  images: {
    type: 'string',
    value: 'official|local',
    help: 'with --runtime docker: pull apache/kafka and toxiproxy, or use the images `images build` made here',
  },
};

/**
 * `--runtime` and `--images`. The image source is process-wide: `--images` sets
 * KAFKA_CHAOS_IMAGES, which every docker cluster this harness starts reads (see docker/images.ts).
 */
export function runtimeSelection(values: { runtime?: string | undefined; images?: string | undefined }): RuntimeKind {
  const runtime = values.runtime ?? 'process';
  if (!(RUNTIME_KINDS as readonly string[]).includes(runtime)) {
    throw new HarnessError(`--runtime: expected ${RUNTIME_KINDS.join(' or ')}, got "${runtime}"`);
  }
  if (values.images !== undefined) {
    if (runtime !== 'docker') throw new HarnessError('--images: only --runtime docker uses images');
    process.env.KAFKA_CHAOS_IMAGES = parseImageSource(values.images, '--images');
  }
  return runtime as RuntimeKind;
}

/** Fails up front, with one clear message, when the runtime cannot work here (no Docker engine). */
export async function preflightRuntime(runtime: RuntimeKind): Promise<void> {
  await runtimeOf(runtime).preflight();
}

/**
 * Fault kinds that need more than the runtime offers fail the run before any cluster starts:
 * an experiment whose faults cannot be injected would otherwise run without them, and could pass.
 */
export function checkRuntimeCanRun(experiments: Experiment[], runtime: RuntimeKind): void {
  const offered = new Set(RUNTIME_CAPABILITIES[runtime]);
  for (const exp of experiments) {
    for (const [i, step] of exp.faults.entries()) {
      const missing = (faultKind(step.fault)?.needs ?? []).filter((c) => !offered.has(c));
      if (missing.length > 0) {
        const runtimes = RUNTIME_KINDS.filter((r) => missing.every((c) => RUNTIME_CAPABILITIES[r].includes(c)));
        throw new HarnessError(
          `experiment ${exp.name}: faults[${i}] ("${step.fault}") needs ${runtimes.map((r) => `--runtime ${r}`).join(' or ')} ` +
            `(${missing.join(', ')}), which the ${runtime} runtime does not offer`,
        );
      }
    }
  }
}
