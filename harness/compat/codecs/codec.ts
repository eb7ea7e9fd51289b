import { createRequire } from 'node:module';
import { errorMessage } from '../../errors.js';
import type { KafkajsModule } from '../kafkajs-versions.js';
import type { KafkajsCodecFactory } from './codec-factory.js';
import { zstdCodec } from './zstd-codec.js';

export type PluggableCodec = 'snappy' | 'lz4' | 'zstd';

export type CodecAvailability = { available: true; source: string } | { available: false; reason: string };

const requireHere = createRequire(import.meta.url);

/**
 * Where each codec kafkajs lacks comes from. Chosen for installing from the npm registry on
 * Node 20 without a compiler: kafkajs-lz4 needs node-gyp (its lz4 0.6 binding ships no Linux
 * binary), so lz4 comes from @2l/kafkajs-lz4 (lz4-napi, prebuilt per platform).
 */
const SOURCES: Record<PluggableCodec, { source: string; load: () => KafkajsCodecFactory }> = {
  snappy: { source: 'kafkajs-snappy', load: () => requireHere('kafkajs-snappy') as KafkajsCodecFactory },
  lz4: {
    source: '@2l/kafkajs-lz4',
    load: () => {
      const LZ4Codec = requireHere('@2l/kafkajs-lz4') as new () => { codec: KafkajsCodecFactory };
      return new LZ4Codec().codec;
    },
  },
  zstd: { source: '@mongodb-js/zstd (a kafkajs codec in harness/compat/codecs/zstd-codec.ts)', load: zstdCodec },
};

const TYPES: Record<PluggableCodec, 'Snappy' | 'LZ4' | 'ZSTD'> = { snappy: 'Snappy', lz4: 'LZ4', zstd: 'ZSTD' };

/**
 * Puts a codec into one kafkajs module's codec table (each release loaded has its own). A codec
 * whose package does not load is reported unavailable, with the loader's error, and the
 * scenarios that need it are skipped rather than run without it.
 */
export async function installCodec(kafkajs: KafkajsModule, codec: PluggableCodec): Promise<CodecAvailability> {
  const { source, load } = SOURCES[codec];
  let factory: KafkajsCodecFactory;
  try {
    factory = load();
    // A package can load and still fail on first use (a missing native part): try a round trip.
    const sample = Buffer.from('kafka-chaos codec probe '.repeat(8));
    const { compress, decompress } = factory();
    const back = await decompress(await compress({ buffer: sample }));
    if (!sample.equals(back)) throw new Error('a compressed sample did not decompress to itself');
  } catch (err) {
    return { available: false, reason: `${source} does not load here: ${errorMessage(err).split('\n')[0]}` };
  }
  const table = kafkajs.CompressionCodecs as unknown as Record<number, KafkajsCodecFactory>;
  table[kafkajs.CompressionTypes[TYPES[codec]]] = factory;
  return { available: true, source };
}
