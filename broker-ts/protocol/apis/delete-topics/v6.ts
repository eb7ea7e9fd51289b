// Topics can be named by id (KIP-516): either the name or the id is set.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v5 from './v5.js';

export * from './v5.js';

export const DeleteTopicState = t.struct({
  name: t.withDefault(t.nullableString, null),
  topicId: t.uuid,
});

export const request = t.struct({
  topics: t.array(DeleteTopicState),
  timeoutMs: t.int32,
});

export const DeletableTopicResult = t.struct(insertAfter({ ...v5.DeletableTopicResult.fields, name: t.nullableString }, 'name', { topicId: t.uuid }));

export const response = t.struct({ ...v5.response.fields, responses: t.array(DeletableTopicResult) });
