// Clients say whether asking for a missing topic may create it.
import * as t from '../../schema/types.js';
import * as v3 from './v3.js';

export * from './v3.js';

export const request = t.struct({ ...v3.request.fields, allowAutoTopicCreation: t.withDefault(t.bool, true) });
