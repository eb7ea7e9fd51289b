import { provisionKafka } from '../provision/kafka.js';
import type { BrokerKind } from '../runtime/cluster.js';
import { brokerTsBuildable, buildBrokerTsImage } from '../runtime/docker/broker-ts-image.js';
import { dockerEngine } from '../runtime/docker/engine.js';
import { buildLocalImages, buildLogDir, type BuildStep } from '../runtime/docker/local-images/build.js';

export interface ImagesBuildOptions {
  brokers: BrokerKind[];
  kafkaVersion?: string;
}

function table(steps: BuildStep[]): string {
  const notes = steps.some((s) => s.note);
  const rows = [
    ['image', 'result', 'seconds', ...(notes ? ['note'] : [])],
    ...steps.map((s) => [s.image, s.outcome, s.seconds.toFixed(1), ...(notes ? [s.note ?? ''] : [])]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/**
 * `kafka-chaos images build`: the local images (`--images local`), made without pulling anything,
 * reusing every cached step; broker-ts's image too once broker-ts has an entry point.
 */
export async function imagesBuild(options: ImagesBuildOptions): Promise<number> {
  const engine = await dockerEngine();
  const kafka = options.brokers.includes('kafka') ? await provisionKafka(options.kafkaVersion) : undefined;
  const brokerTs = options.brokers.includes('broker-ts');
  const steps = await buildLocalImages(engine, { ...(kafka ? { kafka } : {}), toxiproxy: true, node: brokerTs });
  if (brokerTs) {
    const why = brokerTsBuildable();
    if (why) {
      steps.push({ image: 'kafka-chaos/broker-ts', outcome: 'skipped', seconds: 0, note: why });
    } else {
      const started = performance.now();
      const { image, outcome } = await buildBrokerTsImage(engine, 'local');
      steps.push({ image, outcome, seconds: Math.round((performance.now() - started) / 100) / 10 });
    }
  }
  process.stdout.write(`${table(steps)}\n\nbuild logs: ${buildLogDir()}\nuse them with: --runtime docker --images local (or KAFKA_CHAOS_IMAGES=local)\n`);
  return 0;
}
