import * as t from '../../schema/types.js';

export const request = t.struct({
  key: t.string,
});

export const response = t.struct({
  errorCode: t.int16,
  nodeId: t.int32,
  host: t.string,
  port: t.int32,
});
