// Retention is left to the broker's configuration.
import * as t from '../../schema/types.js';
import { withoutFields } from '../../schema/fields.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const request = t.struct(withoutFields(v4.request.fields, 'retentionTimeMs'));
