import { isDeepStrictEqual } from 'node:util';
import { check, checkEqual, show, waitUntil } from '../check.js';
import { kcatConsume, kcatMetadata, kcatProduce, type KcatRecord } from '../clients/kcat.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const RECORDS = 100;

function headersOf(r: KcatRecord): Record<string, string> {
  const out: Record<string, string> = {};
  const list = r.headers ?? [];
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

export default defineScenario({
  name: 'client-kcat',
  title:
    'kcat (librdkafka) lists metadata, produces plain and gzip batches that kafkajs reads; reads what kafkajs wrote, alone and in a consumer group whose offsets kafkajs sees',
  needs: { tools: ['kcat'] },
  timeoutMs: 120_000,
  async run(ctx) {
    const nodes = ctx.cluster.nodeIds();
    const fromKcat = await ctx.createTopic('from-kcat', { partitions: 3 });

    const metadata = await kcatMetadata(ctx, fromKcat);
    checkEqual(
      metadata.brokers.map((b) => b.id).sort((a, b) => a - b),
      nodes,
      'broker ids kcat sees',
    );
    checkEqual(metadata.brokers.map((b) => b.name).sort(), [...ctx.bootstrapServers()].sort(), 'broker addresses kcat sees');
    checkEqual(
      metadata.topics.map((t) => [t.topic, t.partitions.length]),
      [[fromKcat, 3]],
      'topic kcat sees',
    );

    // librdkafka writes and kafkajs reads: keys, values, headers, a null value, gzip.
    const plain = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: i === 7 ? '' : `plain-${i}` }));
    const gzip = Array.from({ length: RECORDS }, (_, i) => ({ key: `g${i}`, value: `gzip-${i}` }));
    await kcatProduce(ctx, 'kcat-produce-plain', fromKcat, plain, { headers: { source: 'kcat' } });
    await kcatProduce(ctx, 'kcat-produce-gzip', fromKcat, gzip, { headers: { source: 'kcat' }, compression: 'gzip' });
    const readByKafkajs = await readTopic(ctx, fromKcat);
    const asSent = [...plain, ...gzip].map((r) => [r.key, r.value === '' ? null : r.value, 'kcat']).sort();
    checkEqual(
      readByKafkajs.map((r) => [text(r.key), text(r.value), String(r.headers.source)]).sort(),
      asSent,
      'records kcat wrote, as kafkajs reads them (key, value, header)',
    );

    // kafkajs writes and librdkafka reads.
    const fromKafkajs = await ctx.createTopic('from-kafkajs', { partitions: 3 });
    const producer = await ctx.producer();
    const sent = Array.from({ length: RECORDS }, (_, i) => ({ partition: i % 3, key: `j${i}`, value: `kafkajs-${i}`, headers: { source: 'kafkajs' } }));
    await producer.send({ topic: fromKafkajs, acks: -1, messages: sent });
    const expected = sent.map((m) => [m.partition, m.key, m.value, 'kafkajs']).sort();
    const asRead = (records: KcatRecord[]) => records.map((r) => [r.partition, r.key, r.payload, headersOf(r).source]).sort();

    const alone = await kcatConsume(ctx, 'kcat-consume', fromKafkajs);
    checkEqual(asRead(alone), expected, 'records kafkajs wrote, as kcat reads them partition by partition');

    const group = ctx.name('kcat-group');
    const inGroup = await kcatConsume(ctx, 'kcat-consume-group', fromKafkajs, group);
    checkEqual(asRead(inGroup), expected, 'records kafkajs wrote, as kcat reads them in a consumer group');
    // librdkafka commits what it consumed when it closes; kafkajs's admin reads those commits.
    const admin = await ctx.admin();
    let committed: unknown;
    await waitUntil(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [fromKafkajs] });
        const byPartition = (offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]).sort();
        committed = byPartition;
        const ends = [0, 1, 2].map((p) => [p, sent.filter((m) => m.partition === p).length]);
        return isDeepStrictEqual(byPartition, ends);
      },
      10_000,
      "kcat's group offsets to show every partition read to its end",
      () => show(committed),
    );
    const { groups } = await admin.describeGroups([group]);
    check(groups[0]?.protocolType === 'consumer', `describeGroups of kcat's group: ${show(groups[0])}`);
  },
});
