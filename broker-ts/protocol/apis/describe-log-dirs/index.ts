import { defineApi } from '../api.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';
import * as v3 from './v3.js';
import * as v4 from './v4.js';
import * as v5 from './v5.js';

export const DescribeLogDirs = defineApi({
  apiKey: 35,
  name: 'DescribeLogDirs',
  firstFlexibleVersion: 2,
  versions: { 1: v1, 2: v2, 3: v3, 4: v4, 5: v5 },
});
