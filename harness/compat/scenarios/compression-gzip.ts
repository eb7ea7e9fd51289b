import { compressionRoundTrip } from '../compression-round-trip.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'compression-gzip',
  title: 'batches compressed with gzip, built into kafkajs: stored, offset and read back record by record',
  run: (ctx) => compressionRoundTrip(ctx, 'gzip'),
});
