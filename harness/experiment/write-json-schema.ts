// Writes experiments/experiment.schema.json from the zod schema: `npm run schema` after changing
// what an experiment file may hold (a test fails while the committed file is out of date).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPERIMENTS_DIR } from './load.js';
import { SCHEMA_FILE, experimentJsonSchema } from './json-schema.js';

const file = join(EXPERIMENTS_DIR, SCHEMA_FILE);
writeFileSync(file, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
