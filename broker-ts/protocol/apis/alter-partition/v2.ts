// Topics are named by id (KIP-841).
import * as t from '../../schema/types.js';
import { replaceField } from '../../schema/fields.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const TopicData = t.struct(replaceField(v1.TopicData.fields, 'topicName', { topicId: t.uuid }));

export const request = t.struct({ ...v1.request.fields, topics: t.array(TopicData) });

export const TopicDataResponse = t.struct(replaceField(v1.TopicDataResponse.fields, 'topicName', { topicId: t.uuid }));

export const response = t.struct({ ...v1.response.fields, topics: t.array(TopicDataResponse) });
