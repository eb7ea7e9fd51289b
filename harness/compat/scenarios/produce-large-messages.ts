import { randomBytes } from 'node:crypto';
import { check, checkEqual, expectRejection } from '../check.js';
import { readTopic } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

/** Bytes of a zigzag varint, as record batches v2 encode lengths. */
function varintBytes(n: number): number {
  let zigzag = n >= 0 ? 2 * n : -2 * n - 1;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes++;
  }
  return bytes;
}

/**
 * Size of an uncompressed RecordBatch v2 holding one record with a null key, no headers and a
 * `valueBytes` value: the 61-byte batch header (from baseOffset on), then the record's length
 * and body (attributes, timestamp delta, offset delta, key length -1, value length, value, header
 * count). This is the size brokers compare with max.message.bytes.
 */
function batchBytes(valueBytes: number): number {
  const record = 1 + 1 + 1 + varintBytes(-1) + varintBytes(valueBytes) + valueBytes + 1;
  return 61 + varintBytes(record) + record;
}

/** The largest value whose batch still fits in `limit` bytes. */
function largestValue(limit: number): number {
  let value = limit - 61;
  while (batchBytes(value) > limit) value--;
  return value;
}

export default defineScenario({
  name: 'produce-large-messages',
  title: "a record whose batch is exactly the topic's max.message.bytes is stored and read back whole; one byte more is refused (MESSAGE_TOO_LARGE)",
  async run(ctx) {
    const { ConfigResourceTypes } = ctx.kafkajs.module;
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('large');
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
    });
    const limit = Number(resources[0]?.configEntries[0]?.configValue);
    check(Number.isInteger(limit) && limit > 1000, `the topic's max.message.bytes is not a usable number: ${resources[0]?.configEntries[0]?.configValue}`);

    const producer = await ctx.producer();
    // Random bytes: compression could not shrink them, were any configured.
    const fits = randomBytes(largestValue(limit));
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: fits }] });
    const tooLarge = randomBytes(fits.length + 1);
    await expectRejection(
      producer.send({ topic, acks: -1, messages: [{ partition: 0, value: tooLarge }] }),
      'MESSAGE_TOO_LARGE',
      `a record whose batch is ${batchBytes(tooLarge.length)} bytes (max.message.bytes ${limit})`,
    );

    const records = await readTopic(ctx, topic);
    checkEqual(records.length, 1, 'records stored (only the one that fits)');
    check(records[0]!.value?.equals(fits), `the ${fits.length}-byte value read back differs from the one sent (${records[0]!.value?.length} bytes)`);
  },
});
