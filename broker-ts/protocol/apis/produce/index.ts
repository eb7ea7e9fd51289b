import { defineApi } from '../api.js';
import * as v3 from './v3.js';
import * as v4 from './v4.js';
import * as v5 from './v5.js';
import * as v6 from './v6.js';
import * as v7 from './v7.js';
import * as v8 from './v8.js';
import * as v9 from './v9.js';
import * as v10 from './v10.js';
import * as v11 from './v11.js';

export const Produce = defineApi({
  apiKey: 0,
  name: 'Produce',
  firstFlexibleVersion: 9,
  versions: { 3: v3, 4: v4, 5: v5, 6: v6, 7: v7, 8: v8, 9: v9, 10: v10, 11: v11 },
});
