import { defineApi } from '../api.js';
import * as v0 from './v0.js';

export const DescribeTopicPartitions = defineApi({
  apiKey: 75,
  name: 'DescribeTopicPartitions',
  firstFlexibleVersion: 0,
  versions: { 0: v0 },
});
