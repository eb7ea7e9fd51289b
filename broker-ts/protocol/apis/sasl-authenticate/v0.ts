import * as t from '../../schema/types.js';

export const request = t.struct({
  authBytes: t.bytes,
});

export const response = t.struct({
  errorCode: t.int16,
  errorMessage: t.nullableString,
  authBytes: t.bytes,
});
