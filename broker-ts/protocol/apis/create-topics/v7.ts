// Results carry the new topic's id.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v6 from './v6.js';

export * from './v6.js';

export const CreatableTopicResult = t.struct(insertAfter(v6.CreatableTopicResult.fields, 'name', { topicId: t.uuid }));

export const response = t.struct({ ...v6.response.fields, topics: t.array(CreatableTopicResult) });
