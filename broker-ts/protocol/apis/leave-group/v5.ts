// Members may say why they leave (KIP-800).
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const MemberIdentity = t.struct({
  ...v4.MemberIdentity.fields,
  reason: t.withDefault(t.nullableString, null),
});

export const request = t.struct({ ...v4.request.fields, members: t.array(MemberIdentity) });
