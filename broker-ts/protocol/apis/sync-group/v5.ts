// Both sides name the protocol type and name, so the broker can check them (KIP-559).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v4 from './v4.js';

export * from './v4.js';

const protocol = {
  protocolType: t.withDefault(t.nullableString, null),
  protocolName: t.withDefault(t.nullableString, null),
};

export const request = t.struct(insertAfter(v4.request.fields, 'groupInstanceId', protocol));

export const response = t.struct(insertAfter(v4.response.fields, 'errorCode', protocol));
