import { checkEqual } from '../check.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const PARTITIONS = 100;
const PER_PARTITION = 10;

export default defineScenario({
  name: 'produce-many-partitions',
  title: `a topic of ${PARTITIONS} partitions: one send to all of them, watermarks of each, a group reads all`,
  timeoutMs: 120_000,
  async run(ctx) {
    const admin = await ctx.admin();
    const topic = await ctx.createTopic('wide', { partitions: PARTITIONS });
    const producer = await ctx.producer();
    const messages = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, n) => ({ partition: n % PARTITIONS, value: `n${n}` }));
    // One send: kafkajs splits it into one Produce request per leader.
    const acks = await producer.send({ topic, acks: -1, messages });
    checkEqual(
      acks.map((a) => [a.partition, a.errorCode, a.baseOffset]).sort((a, b) => Number(a[0]) - Number(b[0])),
      Array.from({ length: PARTITIONS }, (_, p) => [p, 0, '0']),
      'acknowledgements of the send (partition, error code, base offset)',
    );

    const watermarks = (await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.low, o.high]).sort((a, b) => Number(a[0]) - Number(b[0]));
    checkEqual(
      watermarks,
      Array.from({ length: PARTITIONS }, (_, p) => [p, '0', String(PER_PARTITION)]),
      'watermarks of every partition',
    );

    const records = await readTopic(ctx, topic, 60_000);
    checkEqual(
      records.map((r) => [r.partition, r.offset, text(r.value)]),
      Array.from({ length: PARTITIONS }, (_, p) => Array.from({ length: PER_PARTITION }, (_, o) => [p, o, `n${o * PARTITIONS + p}`])).flat(),
      'records read back (partition, offset, value)',
    );
  },
});
