import { checkEqual, show, waitUntil } from '../check.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const SENDS = 10;
const PER_SEND = 5;

export default defineScenario({
  name: 'produce-acks',
  title: 'produce with acks 0, 1 and all: offsets acknowledged in order, every record stored once, in order',
  async run(ctx) {
    const admin = await ctx.admin();
    const producer = await ctx.producer();
    for (const acks of [0, 1, -1]) {
      const what = `acks=${acks === -1 ? 'all' : acks}`;
      const topic = await ctx.createTopic(`acks${acks === -1 ? 'all' : acks}`);
      const values = Array.from({ length: SENDS * PER_SEND }, (_, i) => `${what} #${i}`);
      for (let s = 0; s < SENDS; s++) {
        const metadata = await producer.send({
          topic,
          acks,
          messages: values.slice(s * PER_SEND, (s + 1) * PER_SEND).map((value) => ({ partition: 0, value })),
        });
        // acks=0 asks the broker for no answer, so there is no offset to check.
        if (acks !== 0) {
          checkEqual(
            metadata.map((m) => ({ topic: m.topicName, partition: m.partition, errorCode: m.errorCode, baseOffset: m.baseOffset })),
            [{ topic, partition: 0, errorCode: 0, baseOffset: String(s * PER_SEND) }],
            `${what}: acknowledgement of send ${s + 1}`,
          );
        }
      }
      let high = -1;
      await waitUntil(
        async () => {
          high = Number((await admin.fetchTopicOffsets(topic))[0]?.high);
          return high >= values.length;
        },
        10_000,
        `${what}: the high watermark to reach ${values.length}`,
        () => `high watermark ${high}`,
      );
      const records = await readTopic(ctx, topic);
      checkEqual(
        records.map((r) => text(r.value)),
        values,
        `${what}: records read back (${show(records.length)} records)`,
      );
    }
  },
});
