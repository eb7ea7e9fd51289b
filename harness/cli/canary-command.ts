import { join, resolve } from 'node:path';
import { runCanary, canaryMarkdown } from '../canary/canary.js';
import { listExperiments } from '../experiment/load.js';
import { loadBaseline } from '../nightly/baseline.js';
import { provisionToxiproxy } from '../provision/toxiproxy.js';

export interface CanaryCommandOptions {
  /** The release to check; default: the newest on Maven Central. */
  kafkaVersion?: string;
  /** Also run the quick catalogue on it. */
  quick: boolean;
  out: string;
  baseline: string;
  seed?: number;
  parallel: number;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * `kafka-chaos canary`: how the newest Kafka release (or --kafka-version) differs from the tested
 * one, and from broker-ts. Exits 0 when there is no newer release or nothing differs, 1 when
 * something does (each difference is named in canary.md), 2 on a harness error.
 */
export async function canaryCommand(options: CanaryCommandOptions): Promise<number> {
  provisionToxiproxy();
  const dir = resolve(options.out, 'canary', stamp());
  const report = await runCanary({
    dir,
    ...(options.kafkaVersion !== undefined ? { candidate: options.kafkaVersion } : {}),
    experiments: options.quick ? listExperiments().filter((e) => e.tags.includes('quick')) : [],
    ...(options.quick ? { baseline: loadBaseline(resolve(options.baseline)) } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    parallel: options.parallel,
  });
  process.stdout.write(`${canaryMarkdown(report)}report: ${join(dir, 'canary.md')}\n`);
  return report.status === 'differs' ? 1 : 0;
}
