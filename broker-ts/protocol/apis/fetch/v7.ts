// Incremental fetch sessions (KIP-227).
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v6 from './v6.js';

export * from './v6.js';

export const ForgottenTopic = t.struct({
  topic: t.string,
  partitions: t.array(t.int32),
});

export const request = t.struct({
  ...insertAfter(v6.request.fields, 'isolationLevel', {
    sessionId: t.int32,
    sessionEpoch: t.withDefault(t.int32, -1),
  }),
  forgottenTopicsData: t.array(ForgottenTopic),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  errorCode: t.int16,
  sessionId: t.int32,
  responses: v6.response.fields.responses,
});
