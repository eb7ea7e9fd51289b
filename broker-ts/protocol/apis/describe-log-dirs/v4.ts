// The size of the volume each log dir is on (KIP-827); -1 when unknown.
import * as t from '../../schema/types.js';
import * as v1 from './v1.js';
import * as v3 from './v3.js';

export * from './v3.js';

export const DescribeLogDirsResult = t.struct({
  ...v1.DescribeLogDirsResult.fields,
  totalBytes: t.withDefault(t.int64, -1n),
  usableBytes: t.withDefault(t.int64, -1n),
});

export const response = t.struct({ ...v3.response.fields, results: t.array(DescribeLogDirsResult) });
