import { defineApi } from '../api.js';
import * as v0 from './v0.js';

export const OffsetDelete = defineApi({
  apiKey: 47,
  name: 'OffsetDelete',
  firstFlexibleVersion: null,
  versions: { 0: v0 },
});
