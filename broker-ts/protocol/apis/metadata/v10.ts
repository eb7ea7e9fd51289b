// Topic ids: responses carry them; requests have the field, though brokers serve lookups by id only
// from v12 on.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v9 from './v9.js';

export * from './v9.js';

export const MetadataRequestTopic = t.struct({
  topicId: t.uuid,
  name: t.nullableString,
});

export const request = t.struct({ ...v9.request.fields, topics: t.nullableArray(MetadataRequestTopic) });

export const MetadataResponseTopic = t.struct(insertAfter(v9.MetadataResponseTopic.fields, 'name', { topicId: t.uuid }));

export const response = t.struct({ ...v9.response.fields, topics: t.array(MetadataResponseTopic) });
