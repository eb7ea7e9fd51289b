import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';
import * as v3 from './v3.js';

export const AddPartitionsToTxn = defineApi({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  firstFlexibleVersion: 3,
  versions: { 0: v0, 1: v1, 2: v2, 3: v3 },
});
