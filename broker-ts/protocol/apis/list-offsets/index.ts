import { defineApi } from '../api.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';
import * as v3 from './v3.js';
import * as v4 from './v4.js';
import * as v5 from './v5.js';
import * as v6 from './v6.js';
import * as v7 from './v7.js';
import * as v8 from './v8.js';

export const ListOffsets = defineApi({
  apiKey: 2,
  name: 'ListOffsets',
  firstFlexibleVersion: 6,
  versions: { 1: v1, 2: v2, 3: v3, 4: v4, 5: v5, 6: v6, 7: v7, 8: v8 },
});
