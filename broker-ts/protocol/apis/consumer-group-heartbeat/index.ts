import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';

export const ConsumerGroupHeartbeat = defineApi({
  apiKey: 68,
  name: 'ConsumerGroupHeartbeat',
  firstFlexibleVersion: 0,
  versions: { 0: v0, 1: v1 },
});
