import { defineApi } from '../api.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';
import * as v3 from './v3.js';
import * as v4 from './v4.js';

export const DescribeConfigs = defineApi({
  apiKey: 32,
  name: 'DescribeConfigs',
  firstFlexibleVersion: 4,
  versions: { 1: v1, 2: v2, 3: v3, 4: v4 },
});
