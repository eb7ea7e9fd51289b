import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';

export const ConsumerGroupDescribe = defineApi({
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  firstFlexibleVersion: 0,
  versions: { 0: v0, 1: v1 },
});
