import { check, checkEqual, show, waitUntil } from '../check.js';
import { consumedRecords, startVerifiableConsumer, verifiableProduce, type VerifiableRecord } from '../clients/java-verifiable.js';
import { readTopic, text } from '../read-topic.js';
import { defineScenario } from '../scenario.js';

const RECORDS = 1000;

const where = (r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`;

export default defineScenario({
  name: 'client-java-verifiable',
  title: "Kafka's VerifiableProducer (acks=all) and VerifiableConsumer: acked = consumed, at the acknowledged offsets, each once; kafkajs reads the same",
  needs: { tools: ['java'] },
  timeoutMs: 180_000,
  async run(ctx) {
    const topic = await ctx.createTopic('java', { partitions: 3 });

    const produced = await verifiableProduce(ctx, topic, RECORDS);
    check(produced.errors.length === 0, `${produced.errors.length} sends failed: ${show(produced.errors.slice(0, 3))}`);
    checkEqual(produced.acked.length, RECORDS, 'records the producer reports acknowledged');
    checkEqual({ sent: produced.summary?.sent, acked: produced.summary?.acked }, { sent: RECORDS, acked: RECORDS }, "the producer's own summary");

    const consumer = await startVerifiableConsumer(ctx, topic, ctx.name('group'));
    const ackedValues = new Set(produced.acked.map((r) => r.value));
    const consumedValues = () => new Set(consumedRecords(consumer).map((r) => r.value));
    await waitUntil(
      () => {
        const seen = consumedValues();
        return [...ackedValues].every((v) => seen.has(v));
      },
      90_000,
      'the consumer to read every acknowledged record (acked ⊆ consumed)',
      () => `${consumedValues().size} of ${ackedValues.size} read; output in ${consumer.logFile}`,
    );
    await consumer.stop();

    const consumed = consumedRecords(consumer);
    const ackedAt = new Map(produced.acked.map((r) => [r.value, where(r)]));
    const duplicates = consumed.length - consumedValues().size;
    check(duplicates === 0, `${duplicates} records consumed more than once`);
    const unexpected = consumed.filter((r) => !ackedAt.has(r.value));
    check(unexpected.length === 0, `records consumed that were never acknowledged: ${show(unexpected.slice(0, 5))}`);
    const moved = consumed.filter((r) => ackedAt.get(r.value) !== where(r));
    check(
      moved.length === 0,
      `records read at another offset than acknowledged: ${show(moved.slice(0, 5).map((r: VerifiableRecord) => [r.value, ackedAt.get(r.value), where(r)]))}`,
    );
    check(
      consumer.events.some((e) => e.name === 'offsets_committed' && e.success === true),
      `the consumer never reported a successful offset commit (output in ${consumer.logFile})`,
    );

    const byKafkajs = await readTopic(ctx, topic);
    checkEqual(
      byKafkajs.map((r) => [text(r.value), where(r)]).sort(),
      produced.acked.map((r) => [r.value, where(r)]).sort(),
      'records as kafkajs reads them (value, partition@offset)',
    );
  },
});
