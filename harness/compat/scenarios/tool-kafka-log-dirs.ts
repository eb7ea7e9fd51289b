import { isDeepStrictEqual } from 'node:util';
import { check, checkEqual, show, waitUntil } from '../check.js';
import { kafkaTool, lastLines } from '../clients/kafka-tools.js';
import { defineScenario } from '../scenario.js';

/** What `kafka-log-dirs --describe` prints as its last line (the JSON after two lines of progress). */
interface LogDirsReport {
  brokers: {
    broker: number;
    logDirs: { logDir: string; error: string | null; partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[] }[];
  }[];
}

export default defineScenario({
  name: 'tool-kafka-log-dirs',
  title:
    "Kafka's kafka-log-dirs tool (DescribeLogDirs to every broker): each broker lists its log dir and exactly its replicas of the topic, with the size of what was written",
  needs: { tools: ['java'] },
  timeoutMs: 60_000,
  async run(ctx) {
    const topic = await ctx.createTopic('dirs', { partitions: 2 });
    const producer = await ctx.producer();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ partition: 0, value: `record ${i}` })) });

    const describe = async (attempt: number): Promise<LogDirsReport> => {
      const { run, code, output } = await kafkaTool(ctx, 'kafka-log-dirs', `describe-${attempt}`, ['--describe', '--topic-list', topic]);
      check(code === 0, `kafka-log-dirs exited with ${code}: ${lastLines(output)}`);
      const json = run.lines.find((line) => line.startsWith('{'));
      check(json !== undefined, `kafka-log-dirs printed no JSON (output in ${run.logFile})`);
      return JSON.parse(json) as LogDirsReport;
    };

    // Where the cluster says each replica is, against where each broker says it keeps one. A
    // broker opens a replica's log as it applies the new topic, a moment after Metadata lists it.
    const partitions = await ctx.observer.partitions(topic);
    const expected = partitions.flatMap((p) => p.replicas.map((b) => `broker ${b}: ${topic}-${p.partition}`)).sort();
    const listedIn = (r: LogDirsReport) =>
      r.brokers.flatMap((b) => b.logDirs.flatMap((d) => d.partitions.map((p) => `broker ${b.broker}: ${p.partition}`))).sort();
    let report: LogDirsReport = { brokers: [] };
    let attempt = 0;
    await waitUntil(
      async () => isDeepStrictEqual(listedIn((report = await describe(++attempt))), expected),
      20_000,
      `kafka-log-dirs to list ${show(expected)}`,
      () => show(listedIn(report)),
    );
    checkEqual(report.brokers.map((b) => b.broker).sort(), [...ctx.cluster.nodeIds()].sort(), 'the brokers that answered');
    for (const broker of report.brokers) {
      for (const dir of broker.logDirs) {
        check(dir.error === null && dir.logDir.startsWith('/'), `broker ${broker.broker}: log dir ${show(dir.logDir)} with error ${show(dir.error)}`);
        for (const p of dir.partitions) {
          // acks=all: every replica in the ISR has the records of partition 0; partition 1 has none.
          const written = p.partition === `${topic}-0`;
          check(written ? p.size > 0 : p.size === 0, `broker ${broker.broker}: ${p.partition} has size ${p.size}`);
          check(p.offsetLag === 0 && !p.isFuture, `broker ${broker.broker}: ${p.partition} has offsetLag ${p.offsetLag}, isFuture ${p.isFuture}`);
        }
      }
    }
  },
});
