import * as t from '../../schema/types.js';

export const request = t.struct({});

export const ApiVersion = t.struct({
  apiKey: t.int16,
  minVersion: t.int16,
  maxVersion: t.int16,
});

export const response = t.struct({
  errorCode: t.int16,
  apiKeys: t.array(ApiVersion),
});
