import * as t from '../../schema/types.js';

export const DescribeConfigsResource = t.struct({
  /** 2 = topic, 4 = broker, 8 = broker logger (Kafka's ConfigResource.Type). */
  resourceType: t.int8,
  resourceName: t.string,
  /** Null for all configs of the resource. */
  configurationKeys: t.nullableArray(t.string),
});

export const request = t.struct({
  resources: t.array(DescribeConfigsResource),
  includeSynonyms: t.bool,
});

export const DescribeConfigsSynonym = t.struct({
  name: t.string,
  value: t.nullableString,
  source: t.int8,
});

export const DescribeConfigsResourceResult = t.struct({
  name: t.string,
  value: t.nullableString,
  readOnly: t.bool,
  configSource: t.withDefault(t.int8, -1),
  isSensitive: t.bool,
  synonyms: t.array(DescribeConfigsSynonym),
});

export const DescribeConfigsResult = t.struct({
  errorCode: t.int16,
  errorMessage: t.nullableString,
  resourceType: t.int8,
  resourceName: t.string,
  configs: t.array(DescribeConfigsResourceResult),
});

export const response = t.struct({
  throttleTimeMs: t.int32,
  results: t.array(DescribeConfigsResult),
});
