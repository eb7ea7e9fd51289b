import { defineApi } from '../api.js';
import * as v4 from './v4.js';
import * as v5 from './v5.js';
import * as v6 from './v6.js';
import * as v7 from './v7.js';
import * as v8 from './v8.js';
import * as v9 from './v9.js';
import * as v10 from './v10.js';
import * as v11 from './v11.js';
import * as v12 from './v12.js';
import * as v13 from './v13.js';
import * as v14 from './v14.js';
import * as v15 from './v15.js';
import * as v16 from './v16.js';

export const Fetch = defineApi({
  apiKey: 1,
  name: 'Fetch',
  firstFlexibleVersion: 12,
  versions: { 4: v4, 5: v5, 6: v6, 7: v7, 8: v8, 9: v9, 10: v10, 11: v11, 12: v12, 13: v13, 14: v14, 15: v15, 16: v16 },
});
