import type { IHeaders, Message } from 'kafkajs';
import { check, checkEqual } from '../check.js';
import { readTopic } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
// An hour back, with milliseconds: distinct from the time of sending, and inside the default
// retention.ms (7 days), so that Kafka's retention check cannot delete the record before it is read.
const EXPLICIT_TIMESTAMP = Math.floor(Date.now() / 1000) * 1000 - 3_600_000 + 123;

/** Keys, values and headers as hex (null stays null): an empty value and a null one differ. */
function hex(value: Buffer | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return Buffer.from(value).toString('hex');
}

function headersHex(headers: IHeaders | undefined): [string, string | null][] {
  return Object.entries(headers ?? {})
    .map(([k, v]): [string, string | null] => [k, hex(Array.isArray(v) ? v[0] : v)])
    .sort(([a], [b]) => a.localeCompare(b));
}

export default defineScenario({
  name: 'produce-keys-headers-nulls',
  title: 'keys, binary keys and values, headers, null keys, null values (tombstones), empty values, explicit timestamps survive a round trip',
  async run(ctx) {
    const topic = await ctx.createTopic('kv');
    const messages: Message[] = [
      { key: 'k1', value: 'v1', headers: { h1: 'x', binary: Buffer.from([0, 1, 2, 255]), empty: '' } },
      { key: null, value: 'no key' },
      { key: 'tombstone', value: null },
      { key: ALL_BYTES, value: Buffer.concat([ALL_BYTES, ALL_BYTES]) },
      { key: '', value: '' },
      { key: 'unicode', value: 'héllo ✓ 世界', headers: { ünï: 'çødé' } },
      { key: 'dated', value: 'explicit timestamp', timestamp: String(EXPLICIT_TIMESTAMP) },
    ];
    const producer = await ctx.producer();
    const before = Date.now();
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ ...m, partition: 0 })) });
    const after = Date.now();

    const records = await readTopic(ctx, topic);
    checkEqual(records.length, messages.length, 'records read back');
    for (const [i, sent] of messages.entries()) {
      const got = records[i]!;
      const which = `record ${i} (key ${JSON.stringify(typeof sent.key === 'string' || sent.key === null ? sent.key : '<binary>')})`;
      checkEqual(hex(got.key), hex(sent.key), `key of ${which}`);
      checkEqual(hex(got.value), hex(sent.value), `value of ${which}`);
      checkEqual(headersHex(got.headers), headersHex(sent.headers), `headers of ${which}`);
      if (sent.timestamp !== undefined) checkEqual(got.timestamp, Number(sent.timestamp), `timestamp of ${which}`);
      else check(got.timestamp >= before - 1000 && got.timestamp <= after + 1000, `timestamp of ${which} is ${got.timestamp}, not the time of the send`);
    }
  },
});
