// A null topic list asks for every committed offset of the group; group-level errors get a
// top-level error code.
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';

export * from './v1.js';

export const request = t.struct({ ...v1.request.fields, topics: t.nullableArray(v1.OffsetFetchRequestTopic) });

export const response = t.struct({ ...v1.response.fields, errorCode: t.int16 });
