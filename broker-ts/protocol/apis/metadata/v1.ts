// A null topic list now means all topics; brokers gain racks, topics an internal flag, and the
// response names the controller.
import * as t from '../../schema/types.js';
import { insertAfter } from '../../schema/fields.js';
import * as v0 from './v0.js';

export * from './v0.js';

export const request = t.struct({ topics: t.nullableArray(v0.MetadataRequestTopic) });

export const MetadataResponseBroker = t.struct({
  ...v0.MetadataResponseBroker.fields,
  rack: t.withDefault(t.nullableString, null),
});

export const MetadataResponseTopic = t.struct(insertAfter(v0.MetadataResponseTopic.fields, 'name', { isInternal: t.bool }));

export const response = t.struct({
  brokers: t.array(MetadataResponseBroker),
  controllerId: t.withDefault(t.int32, -1),
  topics: t.array(MetadataResponseTopic),
});
