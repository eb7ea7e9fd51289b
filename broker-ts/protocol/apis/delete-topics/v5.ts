// Results carry an error message; may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const DeletableTopicResult = t.struct({
  ...v4.DeletableTopicResult.fields,
  errorMessage: t.withDefault(t.nullableString, null),
});

export const response = t.struct({ ...v4.response.fields, responses: t.array(DeletableTopicResult) });
