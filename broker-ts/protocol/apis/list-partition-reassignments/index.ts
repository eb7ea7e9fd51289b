import { defineApi } from '../api.js';
import * as v0 from './v0.js';

export const ListPartitionReassignments = defineApi({
  apiKey: 46,
  name: 'ListPartitionReassignments',
  firstFlexibleVersion: 0,
  versions: { 0: v0 },
});
