import { show, waitUntil } from '../check.js';
import { kafkaToolColumns } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';

export default defineScenario({
  name: 'tool-kafka-get-offsets',
  title:
    "Kafka's kafka-get-offsets tool (ListOffsets): latest and earliest offsets of every partition, the offset of the largest timestamp, the first offset at or after a timestamp, and only the partitions asked for",
  needs: { tools: ['java'] },
  timeoutMs: 90_000,
  async run(ctx) {
    const topic = await ctx.createTopic('get-offsets', { partitions: 3 });
    const producer = await ctx.producer();
    // The largest timestamp is not the last record's: the tool must find it by timestamp, not by
    // position. The times are of the last minute: records dated 1970 are past the default retention
    // (7 days), and Kafka's retention check deleted them once mid-scenario (earliest offset 5).
    const base = Date.now() - 60_000;
    const timestamps = [1000, 2000, 3000, 5000, 4000];
    await producer.send({ topic, acks: -1, messages: timestamps.map((t, i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(base + t) })) });
    await producer.send({ topic, acks: -1, messages: [10, 20].map((t, i) => ({ partition: 1, value: `p1-${i}`, timestamp: String(base + t) })) });

    // Lines `topic:partition:offset`; a partition with no such offset is left out.
    const offsets = async (step: string, args: string[]) =>
      (await kafkaToolColumns(ctx, 'kafka-get-offsets', step, ['--topic', topic, ...args]))
        .map((c) => c.join(' '))
        .filter((line) => line.startsWith(`${topic}:`))
        .sort();

    // Each answer must come right within a few seconds. Leadership can move meanwhile (Kafka's
    // automatic preferred-leader election returns partitions to nodes earlier scenarios stopped), and
    // a new leader answers only below its high watermark, which it may still be raising: Kafka 4.4
    // once left partition 0 out of the largest-timestamp answer on a loaded machine.
    const expectOffsets = async (step: string, args: string[], expected: string[], what: string) => {
      let got: string[] = [];
      await waitUntil(
        async () => show((got = await offsets(step, args))) === show(expected),
        20_000,
        `${what}: ${show(expected)}`,
        () => `got ${show(got)}`,
      );
    };
    await expectOffsets('latest', [], [`${topic}:0:5`, `${topic}:1:2`, `${topic}:2:0`], 'latest offsets (the default, --time -1)');
    await expectOffsets('earliest', ['--time', '-2'], [`${topic}:0:0`, `${topic}:1:0`, `${topic}:2:0`], 'earliest offsets (--time -2)');
    await expectOffsets('max-timestamp', ['--time', '-3'], [`${topic}:0:3`, `${topic}:1:1`], 'offsets of the largest timestamps (--time -3)');
    await expectOffsets('by-timestamp', ['--time', String(base + 2500)], [`${topic}:0:2`], 'first offsets at or after the third record');
    await expectOffsets('partitions', ['--partitions', '0,2'], [`${topic}:0:5`, `${topic}:2:0`], 'latest offsets of partitions 0 and 2');
  },
});
