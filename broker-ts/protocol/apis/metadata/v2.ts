// The response carries the cluster id.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const response = t.struct(insertAfter(v1.response.fields, 'brokers', { clusterId: t.withDefault(t.nullableString, null) }));
