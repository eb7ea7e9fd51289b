import { defineApi } from '../api.js';
import * as v0 from './v0.js';

export const DescribeProducers = defineApi({
  apiKey: 61,
  name: 'DescribeProducers',
  firstFlexibleVersion: 0,
  versions: { 0: v0 },
});
