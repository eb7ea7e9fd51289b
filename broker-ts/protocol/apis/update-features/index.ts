import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';

export const UpdateFeatures = defineApi({
  apiKey: 57,
  name: 'UpdateFeatures',
  firstFlexibleVersion: 0,
  versions: { 0: v0, 1: v1, 2: v2 },
});
