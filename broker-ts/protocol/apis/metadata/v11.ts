// Cluster authorized operations moved to DescribeCluster (KIP-700).
import * as t from '../../schema/types.js';
import { withoutFields } from '../../schema/fields.js';
import * as v10 from './v10.js';

export * from './v10.js';

export const request = t.struct(withoutFields(v10.request.fields, 'includeClusterAuthorizedOperations'));

export const response = t.struct(withoutFields(v10.response.fields, 'clusterAuthorizedOperations'));
