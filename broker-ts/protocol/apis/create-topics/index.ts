import { defineApi } from '../api.js';
import * as v2 from './v2.js';
import * as v3 from './v3.js';
import * as v4 from './v4.js';
import * as v5 from './v5.js';
import * as v6 from './v6.js';
import * as v7 from './v7.js';

export const CreateTopics = defineApi({
  apiKey: 19,
  name: 'CreateTopics',
  firstFlexibleVersion: 5,
  versions: { 2: v2, 3: v3, 4: v4, 5: v5, 6: v6, 7: v7 },
});
