// Callers say whether they want brokers or controllers (KIP-919): 1 = brokers, 2 = controllers.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

const endpointType = { endpointType: t.withDefault(t.int8, 1) };

export const request = t.struct({ ...v0.request.fields, ...endpointType });

export const response = t.struct(insertAfter(v0.response.fields, 'errorMessage', endpointType));
