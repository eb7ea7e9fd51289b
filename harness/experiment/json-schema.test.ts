// The committed JSON Schema of experiment files is the one the zod schema generates, every
// experiment file names it and passes it, and it refuses what the loader refuses.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, experimentJsonSchema } from './json-schema.js';
import { EXPERIMENTS_DIR, experimentFiles } from './load.js';

const committed = JSON.parse(readFileSync(join(EXPERIMENTS_DIR, SCHEMA_FILE), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(committed);

describe('the JSON Schema of experiment files', () => {
  it('is up to date with the zod schema (npm run schema writes it)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(experimentJsonSchema())));
  });

  it.each(experimentFiles().map((f) => [basename(f), f]))('%s names the schema and passes it', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${SCHEMA_FILE}`);
    expect(validate(parseYaml(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses an unknown field, a fault kind that does not exist and a fault parameter of another kind', () => {
    const base = { name: 'x', description: 'x', producer: { acks: 1 }, workload: { duration: '5s' }, expect: { lost: 0 } };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, producers: undefined, extra: 1 })).toBe(false);
    expect(validate({ ...base, faults: [{ at: '1s', fault: 'explode', target: 'leader' }] })).toBe(false);
    expect(validate({ ...base, faults: [{ at: '1s', fault: 'kill', target: 'leader', listeners: ['client'] }] })).toBe(false);
    expect(validate({ ...base, faults: [{ at: '1s', fault: 'cut', target: 'leader', listeners: ['client'] }] })).toBe(true);
  });
});
