import { checkEqual } from './check.js';
import type { PluggableCodec } from './codecs/codec.js';
import type { ScenarioContext } from './context.js';
import { readTopic, text } from './read-topic.js';

const SENDS = 3;
const PER_SEND = 100;

/**
 * Writes batches compressed with `codec` to two partitions and reads them back with the same
 * kafkajs: the broker must accept the compressed batches, assign offsets to every record inside
 * them, and serve them so that the client can decompress them again.
 */
export async function compressionRoundTrip(ctx: ScenarioContext, codec: 'gzip' | PluggableCodec): Promise<void> {
  const { CompressionTypes } = ctx.kafkajs.module;
  if (codec !== 'gzip') await ctx.requireCodec(codec);
  const compression = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD }[codec];
  const topic = await ctx.createTopic(codec, { partitions: 2 });
  const producer = await ctx.producer();
  const sent: [number, string, string][] = [];
  for (let s = 0; s < SENDS; s++) {
    const messages = Array.from({ length: PER_SEND }, (_, i) => {
      const n = s * PER_SEND + i;
      // Repetitive JSON compresses well, so the batches really are compressed.
      const value = JSON.stringify({ n, codec, filler: 'the quick brown fox jumps over the lazy dog '.repeat(4) });
      return { partition: n % 2, key: `key-${n}`, value, headers: { n: String(n) } };
    });
    await producer.send({ topic, acks: -1, compression, messages });
    for (const m of messages) sent.push([m.partition, m.key, m.value]);
  }
  const records = await readTopic(ctx, topic);
  const expected = [0, 1].flatMap((p) => sent.filter(([partition]) => partition === p));
  checkEqual(records.length, expected.length, `records read back from ${codec} batches`);
  checkEqual(
    records.map((r) => [r.partition, text(r.key), text(r.value)]),
    expected,
    `records read back from ${codec} batches (partition, key, value)`,
  );
  checkEqual(
    records.map((r) => r.offset),
    [0, 1].flatMap(() => Array.from({ length: (SENDS * PER_SEND) / 2 }, (_, i) => i)),
    `offsets of the records in ${codec} batches`,
  );
  checkEqual(
    records.map((r) => String(r.headers.n)),
    expected.map(([, key]) => key.slice('key-'.length)),
    `headers of the records in ${codec} batches`,
  );
}
