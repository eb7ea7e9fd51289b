import { compressionRoundTrip } from '../compression-round-trip.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'compression-lz4',
  title: 'batches compressed with lz4 through @2l/kafkajs-lz4: stored, offset and read back record by record',
  run: (ctx) => compressionRoundTrip(ctx, 'lz4'),
});
