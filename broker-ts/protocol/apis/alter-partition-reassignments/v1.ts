// KIP-860: a reassignment may be refused if it changes the replication factor.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const request = t.struct(insertAfter(v0.request.fields, 'timeoutMs', { allowReplicationFactorChange: t.withDefault(t.bool, true) }));

export const response = t.struct(insertAfter(v0.response.fields, 'throttleTimeMs', { allowReplicationFactorChange: t.withDefault(t.bool, true) }));
