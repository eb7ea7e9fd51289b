// Configs can come with their type and documentation (KIP-569).
import * as t from '../../schema/types.js';
import * as v2 from './v2.js';

export * from './v2.js';

export const request = t.struct({ ...v2.request.fields, includeDocumentation: t.bool });

export const DescribeConfigsResourceResult = t.struct({
  ...v2.DescribeConfigsResourceResult.fields,
  configType: t.int8,
  documentation: t.nullableString,
});

export const DescribeConfigsResult = t.struct({
  ...v2.DescribeConfigsResult.fields,
  configs: t.array(DescribeConfigsResourceResult),
});

export const response = t.struct({ ...v2.response.fields, results: t.array(DescribeConfigsResult) });
