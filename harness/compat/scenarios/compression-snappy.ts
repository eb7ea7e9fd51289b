import { compressionRoundTrip } from '../compression-round-trip.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'compression-snappy',
  title: 'batches compressed with snappy through kafkajs-snappy: stored, offset and read back record by record',
  run: (ctx) => compressionRoundTrip(ctx, 'snappy'),
});
