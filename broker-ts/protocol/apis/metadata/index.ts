import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';
import * as v3 from './v3.js';
import * as v4 from './v4.js';
import * as v5 from './v5.js';
import * as v6 from './v6.js';
import * as v7 from './v7.js';
import * as v8 from './v8.js';
import * as v9 from './v9.js';
import * as v10 from './v10.js';
import * as v11 from './v11.js';
import * as v12 from './v12.js';

export const Metadata = defineApi({
  apiKey: 3,
  name: 'Metadata',
  firstFlexibleVersion: 9,
  versions: { 0: v0, 1: v1, 2: v2, 3: v3, 4: v4, 5: v5, 6: v6, 7: v7, 8: v8, 9: v9, 10: v10, 11: v11, 12: v12 },
});
