import { defineApi } from '../api.js';
import * as v0 from './v0.js';

export const DescribeTransactions = defineApi({
  apiKey: 65,
  name: 'DescribeTransactions',
  firstFlexibleVersion: 0,
  versions: { 0: v0 },
});
