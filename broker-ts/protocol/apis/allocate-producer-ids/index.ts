import { defineApi } from '../api.js';
import * as v0 from './v0.js';

export const AllocateProducerIds = defineApi({
  apiKey: 67,
  name: 'AllocateProducerIds',
  firstFlexibleVersion: 0,
  versions: { 0: v0 },
});
