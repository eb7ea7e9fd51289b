// Whether each log dir is cordoned (no new replicas placed there).
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const DescribeLogDirsResult = t.struct({ ...v4.DescribeLogDirsResult.fields, isCordoned: t.withDefault(t.bool, false) });

export const response = t.struct({ ...v4.response.fields, results: t.array(DescribeLogDirsResult) });
