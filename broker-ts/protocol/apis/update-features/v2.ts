// The response drops the per-feature results: the top-level error covers every update.
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const response = t.struct({
  throttleTimeMs: v1.response.fields.throttleTimeMs,
  errorCode: v1.response.fields.errorCode,
  errorMessage: v1.response.fields.errorMessage,
});
