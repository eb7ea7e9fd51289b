// The JSON Schema of experiment files, generated from the zod schema that validates them, so that
// editors complete and check experiments as they are written (experiments/experiment.schema.json,
// referenced from every experiment file). Fault steps are spelled out per fault kind, which the zod
// schema checks in code.
import { z } from 'zod';
import { FAULT_KINDS } from '../nemesis/registry.js';
import { experimentSchema, stepBase } from './schema.js';

export const SCHEMA_FILE = 'experiment.schema.json';

type JsonSchema = Record<string, unknown>;

function faultStepSchema(): JsonSchema {
  return {
    anyOf: FAULT_KINDS.map((kind) => {
      const own = z.toJSONSchema(kind.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema & { properties?: JsonSchema; required?: string[] };
      const base = z.toJSONSchema(z.object(stepBase), { io: 'input', unrepresentable: 'any' }) as JsonSchema & { properties: JsonSchema; required?: string[] };
      const properties: JsonSchema = { fault: { const: kind.name, description: kind.summary }, ...base.properties, ...(own.properties ?? {}) };
      if (kind.targetsNodes === false) delete properties.target;
      return {
        type: 'object',
        description: kind.summary,
        properties,
        required: ['fault', ...(base.required ?? []), ...(kind.targetsNodes === false ? [] : ['target']), ...(own.required ?? [])],
        additionalProperties: false,
      };
    }),
  };
}

/** The schema document, as committed. */
export function experimentJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & { properties: Record<string, JsonSchema> };
  schema.properties.faults = { ...schema.properties.faults, items: faultStepSchema() };
  return { title: 'kafka-chaos experiment', ...schema };
}
