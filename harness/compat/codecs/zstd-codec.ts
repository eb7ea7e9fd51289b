import { createRequire } from 'node:module';
import type { KafkajsCodecFactory } from './codec-factory.js';

interface ZstdBinding {
  compress(data: Buffer, level?: number): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

const requireHere = createRequire(import.meta.url);

/**
 * kafkajs's ZSTD codec over @mongodb-js/zstd (the zstd C library, prebuilt per platform in the
 * npm registry). The codec package meant for this, @kafkajs/zstd, depends on cppzst 2.0.6, which
 * needs a native build and does not compile against Node 20's headers. Kafka's zstd batches are
 * plain zstd frames, which is what this binding reads and writes.
 */
export function zstdCodec(): KafkajsCodecFactory {
  const zstd = requireHere('@mongodb-js/zstd') as ZstdBinding;
  return () => ({
    compress: (encoder: { buffer: Buffer }) => zstd.compress(encoder.buffer, 3),
    decompress: (buffer: Buffer) => zstd.decompress(buffer),
  });
}
