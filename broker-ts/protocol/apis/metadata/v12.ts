// Topics can be looked up by id, so a response topic's name may be null.
import * as t from '../../schema/types.js';
import * as v11 from './v11.js';

export * from './v11.js';

export const MetadataResponseTopic = t.struct({ ...v11.MetadataResponseTopic.fields, name: t.nullableString });

export const response = t.struct({ ...v11.response.fields, topics: t.array(MetadataResponseTopic) });
