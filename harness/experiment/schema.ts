import { z } from 'zod';
import { FAULT_KINDS, faultKind } from '../nemesis/registry.js';
import type { FaultStep } from '../nemesis/schedule.js';
import { TARGET_HELP, TARGET_PATTERN } from '../nemesis/targets.js';
import { ANOMALY_NAMES, anomalyClass } from '../checker/anomaly-classes.js';
import { CONDITION_PATTERN, EXPECT_KEY_PATTERN, MEASURES, measureScope, parseExpectKey, permitsNonZero } from './expectation.js';
import { WINDOWED_MEASURES } from './send-windows.js';
import { duration, sectionFields } from './sections.js';

/** The fields every fault step has, whatever its kind (exported for the JSON Schema of experiment files). */
export const stepBase = {
  at: duration,
  target: z.string().regex(TARGET_PATTERN, `expected ${TARGET_HELP}`).optional(),
  partition: z.number().int().nonnegative().default(0),
  duration: duration.optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
};

/** The common step fields, then the fault kind's own parameters checked by that kind's schema. */
const faultStep = z
  .object({ fault: z.string(), ...stepBase })
  .catchall(z.unknown())
  .superRefine((step, ctx) => {
    const kind = faultKind(step.fault);
    if (!kind) {
      ctx.addIssue({ code: 'custom', path: ['fault'], message: `expected one of ${FAULT_KINDS.map((k) => k.name).join(', ')}, found "${step.fault}"` });
      return;
    }
    const nodes = kind.targetsNodes !== false;
    if (nodes && step.target === undefined)
      ctx.addIssue({ code: 'custom', path: ['target'], message: `expected a target for fault "${kind.name}": ${TARGET_HELP}` });
    if (!nodes && step.target !== undefined) ctx.addIssue({ code: 'custom', path: ['target'], message: `fault "${kind.name}" hits no node: remove target` });
    const parsed = kind.params.safeParse(ownParams(step));
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const message =
        issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} for fault "${kind.name}"` : issue.message;
      ctx.addIssue({ code: 'custom', path: issue.path, message });
    }
  })
  .transform((step): FaultStep => ({
    fault: step.fault,
    at: step.at,
    ...(step.target !== undefined ? { target: step.target } : {}),
    partition: step.partition,
    ...(step.duration !== undefined ? { duration: step.duration } : {}),
    ...(step.name !== undefined ? { name: step.name } : {}),
    params: faultKind(step.fault)!.params.parse(ownParams(step)) as Record<string, unknown>,
  }));

function ownParams(step: Record<string, unknown>): Record<string, unknown> {
  const { fault: _f, at: _a, target: _t, partition: _p, duration: _d, name: _n, ...own } = step;
  return own;
}

export const experimentSchema = z
  .object({
    ...sectionFields,
    faults: z.array(faultStep).default([]),
    /**
     * Conditions on measures; `lost@acks1` constrains one producer's count only, `acknowledged
     * during old-leader` counts only while the step named old-leader is in force (`after`: once healed).
     */
    expect: z
      .record(
        z
          .string()
          .regex(
            EXPECT_KEY_PATTERN,
            `expected a measure (${MEASURES.join(', ')}), optionally followed by @<producer name>, optionally followed by " before|during|after <step name>"`,
          ),
        z.union([z.number().int().nonnegative().transform(String), z.string().regex(CONDITION_PATTERN, 'expected a condition such as 0, ">0" or ">=1000"')]),
      )
      .refine((e) => Object.keys(e).length > 0, 'expected at least one condition, e.g. { lost: 0 }'),
    /**
     * Anomaly classes this experiment expects, each with the reason: every other class observed
     * fails the run (see checker/anomaly-classes.ts).
     */
    allow: z
      .record(
        z.string().refine((name) => ANOMALY_NAMES.includes(name), { message: `expected an anomaly class (${ANOMALY_NAMES.join(', ')})` }),
        z.string().trim().min(10, 'expected the reason this anomaly is allowed, in a sentence'),
      )
      .default({}),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.producer === undefined) === (e.producers === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['producer'], message: 'expected exactly one of producer (one producer) or producers (a list)' });
      return;
    }
    const names = (e.producers ?? [e.producer!]).map((p) => p.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['producers', i, 'name'], message: `expected unique producer names, "${n}" repeats` });
    });
    const parts = { always: true, consumers: e.consumers !== undefined, pipeline: e.pipeline !== undefined, metadata: e.metadata !== undefined };
    const partName = {
      always: 'run',
      consumers: 'consumer group (consumers:)',
      pipeline: 'pipeline (pipeline:)',
      metadata: 'metadata workload (metadata:)',
    } as const;
    const steps = new Map(e.faults.filter((f) => f.name !== undefined).map((f) => [f.name!, f]));
    for (const [key, condition] of Object.entries(e.expect)) {
      const parsed = parseExpectKey(key)!;
      const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['expect', key], message });
      if (parsed.client !== undefined && !names.includes(parsed.client)) issue(`expected a producer name after @ (${names.join(', ')})`);
      const scope = measureScope(parsed.measure);
      if (!parts[scope]) issue(`${parsed.measure} is measured on the experiment's ${partName[scope]}, which it does not have`);
      if (parsed.measure === 'inFlight' && !parsed.window)
        issue('inFlight counts sends outstanding during a fault step: add " during <step name>" (or before, after)');
      if (parsed.window) {
        const step = steps.get(parsed.window.step);
        if (!(WINDOWED_MEASURES as readonly string[]).includes(parsed.measure))
          issue(`only ${WINDOWED_MEASURES.join(', ')} can be counted ${parsed.window.when} a fault step`);
        else if (step === undefined) issue(`"${parsed.window.step}" names no fault step (steps are named with name:)`);
        else if (parsed.window.when === 'after' && step.duration === undefined) {
          issue(
            `step "${parsed.window.step}" has no duration, so it is healed only when the workload ends and nothing happens after it: give it a duration, or count "during"`,
          );
        }
      }
      const anomaly = anomalyClass(parsed.measure);
      if (anomaly && permitsNonZero(String(condition)) && e.allow[anomaly.name] === undefined) {
        issue(`"${condition}" lets ${anomaly.name} happen: say why under allow.${anomaly.name}`);
      }
    }
    for (const name of Object.keys(e.allow)) {
      const anomaly = anomalyClass(name);
      if (anomaly && !parts[anomaly.scope]) {
        ctx.addIssue({
          code: 'custom',
          path: ['allow', name],
          message: `${name} is found in the experiment's ${partName[anomaly.scope]}, which it does not have`,
        });
      }
    }
  })
  .transform(({ producer, producers, ...rest }) => ({ ...rest, producers: producers ?? [producer!] }));

export type Experiment = z.output<typeof experimentSchema>;
export type { ExperimentParts, ProducerSpec } from './sections.js';
