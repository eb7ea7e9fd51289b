import { describe, expect, it } from 'vitest';
import { installCodec } from './codecs/codec.js';
import { atLeast, loadKafkajs, projectKafkajsVersion } from './kafkajs-versions.js';

const RELEASES = ['1.16.0', '2.0.2', '2.2.4'];

describe('kafkajs releases side by side', () => {
  it('loads each aliased release as its own module', () => {
    const loaded = RELEASES.map((v) => loadKafkajs(v));
    expect(loaded.map((r) => [r.version, r.packageName])).toEqual(RELEASES.map((v) => [v, `kafkajs-${v}`]));
    // Separate module state: a codec installed into one release is not in another's table.
    expect(new Set(loaded.map((r) => r.module.CompressionCodecs)).size).toBe(RELEASES.length);
    expect(typeof loaded[0]!.module.Kafka).toBe('function');
  });

  it("defaults to the project's own kafkajs", () => {
    expect(projectKafkajsVersion()).toBe('2.2.4');
    expect(loadKafkajs().version).toBe('2.2.4');
  });

  it('says how to add a release that is not installed', () => {
    expect(() => loadKafkajs('1.15.0')).toThrow(/kafkajs 1\.15\.0 is not installed.*"kafkajs-1\.15\.0": "npm:kafkajs@1\.15\.0"/);
    expect(() => loadKafkajs('latest')).toThrow(/not a release number/);
  });

  it('compares releases numerically', () => {
    expect(atLeast('2.0.2', '2.0.0')).toBe(true);
    expect(atLeast('1.16.0', '2.0.0')).toBe(false);
    expect(atLeast('2.10.0', '2.9.9')).toBe(true);
  });

  it('installs snappy, lz4 and zstd into every release, each proven by a compress/decompress round trip', async () => {
    for (const version of RELEASES) {
      const { module } = loadKafkajs(version);
      for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
        expect(await installCodec(module, codec), `${codec} in kafkajs ${version}`).toMatchObject({ available: true });
      }
      const table = module.CompressionCodecs as unknown as Record<
        number,
        () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }
      >;
      const zstd = table[module.CompressionTypes.ZSTD]!();
      const sample = Buffer.from('zstd '.repeat(100));
      const compressed = await zstd.compress({ buffer: sample });
      expect(compressed.length).toBeLessThan(sample.length);
      // A zstd frame starts with the magic number 0xFD2FB528 (little-endian).
      expect(compressed.readUInt32LE(0)).toBe(0xfd2fb528);
      expect((await zstd.decompress(compressed)).equals(sample)).toBe(true);
    }
  });
});
