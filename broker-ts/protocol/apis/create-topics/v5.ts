// First flexible version. Results describe the created topic and its configs (KIP-525).
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const CreatableTopicConfigs = t.struct({
  name: t.string,
  value: t.nullableString,
  readOnly: t.bool,
  configSource: t.withDefault(t.int8, -1),
  isSensitive: t.bool,
});

export const CreatableTopicResult = t.struct({
  ...v4.CreatableTopicResult.fields,
  topicConfigErrorCode: t.tagged(0, t.int16),
  numPartitions: t.withDefault(t.int32, -1),
  replicationFactor: t.withDefault(t.int16, -1),
  configs: t.nullableArray(CreatableTopicConfigs),
});

export const response = t.struct({ ...v4.response.fields, topics: t.array(CreatableTopicResult) });
