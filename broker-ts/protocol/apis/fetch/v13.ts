// Topics are named by topic id instead of name (KIP-516).
import * as t from '../../schema/types.js';
import { replaceField } from '../../schema/fields.js';
import * as v12 from './v12.js';

export * from './v12.js';

export const FetchTopic = t.struct(replaceField(v12.FetchTopic.fields, 'topic', { topicId: t.uuid }));

export const ForgottenTopic = t.struct(replaceField(v12.ForgottenTopic.fields, 'topic', { topicId: t.uuid }));

export const request = t.struct({
  ...v12.request.fields,
  topics: t.array(FetchTopic),
  forgottenTopicsData: t.array(ForgottenTopic),
});

export const FetchableTopicResponse = t.struct(replaceField(v12.FetchableTopicResponse.fields, 'topic', { topicId: t.uuid }));

export const response = t.struct({ ...v12.response.fields, responses: t.array(FetchableTopicResponse) });
