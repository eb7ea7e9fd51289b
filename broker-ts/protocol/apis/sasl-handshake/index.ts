import { defineApi } from '../api.js';
import * as v0 from './v0.js';
import * as v1 from './v1.js';

export const SaslHandshake = defineApi({
  apiKey: 17,
  name: 'SaslHandshake',
  firstFlexibleVersion: null,
  versions: { 0: v0, 1: v1 },
});
