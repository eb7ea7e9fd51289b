import { compressionRoundTrip } from '../compression-round-trip.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'compression-zstd',
  title: 'batches compressed with zstd through @mongodb-js/zstd: stored, offset and read back record by record',
  run: (ctx) => compressionRoundTrip(ctx, 'zstd'),
});
