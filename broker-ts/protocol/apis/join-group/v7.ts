// The response names the protocol type too, and the protocol name may be null (KIP-559).
import * as t from '../../schema/types.js';
import { replaceField } from '../../schema/fields.js';
import * as v6 from './v6.js';

export * from './v6.js';

export const response = t.struct(
  replaceField(v6.response.fields, 'protocolName', {
    protocolType: t.withDefault(t.nullableString, null),
    protocolName: t.nullableString,
  }),
);
