import { defineApi } from '../api.js';
import * as v1 from './v1.js';

export const WriteTxnMarkers = defineApi({
  apiKey: 27,
  name: 'WriteTxnMarkers',
  firstFlexibleVersion: 1,
  // v0 (the same layout, not flexible) was removed in Kafka 4.0 (KIP-896).
  versions: { 1: v1 },
});
