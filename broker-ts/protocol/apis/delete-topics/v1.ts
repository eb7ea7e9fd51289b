import * as t from '../../schema/types.js';

export const request = t.struct({
  topicNames: t.array(t.string),
  timeoutMs: t.int32,
});

export const DeletableTopicResult = t.struct({
  name: t.string,
  errorCode: t.int16,
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  responses: t.array(DeletableTopicResult),
});
