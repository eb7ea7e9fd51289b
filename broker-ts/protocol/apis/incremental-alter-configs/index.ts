import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';

export const IncrementalAlterConfigs = defineApi({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  firstFlexibleVersion: 1,
  versions: { 0: v0, 1: v1 },
});
