import { checkEqual } from '../check.js';
import { readTopic } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'produce-repeated-header-keys',
  title: 'a header key given several values keeps every value, in order',
  // kafkajs 1.x encodes one value per header key; arrays of values came with 2.0.0.
  needs: { kafkajs: '2.0.0' },
  async run(ctx) {
    const topic = await ctx.createTopic('headers');
    const producer = await ctx.producer();
    await producer.send({ topic, acks: -1, messages: [{ value: 'v', headers: { hop: ['first', 'second', 'third'], single: 'one' } }] });
    const [record] = await readTopic(ctx, topic);
    const asText = (v: unknown) => (Array.isArray(v) ? v.map((b) => String(b)) : String(v));
    checkEqual(asText(record?.headers.hop), ['first', 'second', 'third'], 'values of the repeated header');
    checkEqual(asText(record?.headers.single), 'one', 'value of the single header');
  },
});
