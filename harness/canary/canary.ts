// The canary for new Kafka releases: when Maven Central has a release newer than the tested one, it
// says by name what that release changed (protocol definitions, wire answers), where broker-ts now
// differs from it (what the broker comparison test would report after a pin update), and, when
// asked, how the quick catalogue fares on it. It never touches the tested (pinned) runs.
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { runExperiment } from '../experiment/runner.js';
import type { Experiment } from '../experiment/schema.js';
import { log } from '../log.js';
import type { Baseline, CellOutcome } from '../nightly/baseline.js';
import { runPool } from '../nightly/job-pool.js';
import { LATEST, provisionKafka } from '../provision/kafka.js';
import { DEFAULT_KAFKA_RELEASE } from '../provision/tested-kafka-releases.js';
import { writeJsonAtomic } from '../report/result.js';
import type { Verdict } from '../report/result.js';
import { ComparedBroker, compareProbe, describeComparison, type BrokerComparison } from '../compare/compare-brokers.js';
import type { Observation } from '../compare/wire-probe.js';
import { WIRE_PROBES } from '../compare/wire-probes.js';
import { extractMessageDefinitions, messageChanges } from './message-changes.js';

export interface CanaryOptions {
  /** Where canary.json, canary.md, node logs and catalogue runs go. */
  dir: string;
  /** The tested release to compare with (default: the default tested release). */
  tested?: string;
  /** The release to check, as --kafka-version takes it (default: "latest", the newest on Maven Central). */
  candidate?: string;
  /** Experiments to run on the candidate release (nightly: the quick catalogue). */
  experiments?: readonly Experiment[];
  /** Each experiment's outcome on the tested line, to say which ones the candidate changes. */
  baseline?: Baseline;
  seed?: number;
  parallel?: number;
}

export interface CatalogueOutcome {
  experiment: string;
  verdict: Verdict;
  reason: string;
  /** The tested line's outcome in the baseline. */
  baseline?: CellOutcome;
}

export interface CanaryReport {
  tested: string;
  candidate: string;
  /** no-newer-release: the candidate is the tested release, nothing was run. */
  status: 'no-newer-release' | 'no-difference' | 'differs';
  /** What the candidate's message definitions change, per API. */
  protocolChanges: string[];
  /** Where the candidate answers the comparison's requests differently from the tested release. */
  kafkaChanges: string[];
  /** Where broker-ts differs from the candidate, as the broker comparison test would say it. */
  brokerTsDifferences: string[];
  catalogue: CatalogueOutcome[];
  durationMs: number;
}

/** The baseline line a release belongs to ("kafka-4" for 4.5.0), the most specific one there is. */
function baselineLine(baseline: Baseline | undefined, experiment: string, release: string): CellOutcome | undefined {
  const cells = baseline?.results[experiment] ?? {};
  const lines = Object.keys(cells)
    .filter((line) => line.startsWith('kafka-') && (release === line.slice(6) || release.startsWith(`${line.slice(6)}.`)))
    .sort((a, b) => b.length - a.length);
  return lines.length ? cells[lines[0]!] : undefined;
}

async function observeAll(broker: ComparedBroker): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const probe of WIRE_PROBES) out.push(await broker.observe(probe));
  return out;
}

function comparison(
  reference: ComparedBroker,
  referenceAnswers: Observation[],
  candidate: ComparedBroker,
  candidateAnswers: Observation[],
  tolerate: boolean,
): BrokerComparison {
  return {
    reference: reference.label,
    candidate: candidate.label,
    probes: WIRE_PROBES.map((probe, i) => compareProbe(probe, referenceAnswers[i]!, candidateAnswers[i]!, tolerate)),
  };
}

/** Starts the tested and candidate Kafka releases and broker-ts, one node each, and compares their answers. */
async function compareWire(tested: string, candidate: string, dir: string): Promise<{ kafkaChanges: string[]; brokerTsDifferences: string[] }> {
  const started: ComparedBroker[] = [];
  try {
    const start = async (target: Parameters<typeof ComparedBroker.start>[0], name: string) => {
      const broker = await ComparedBroker.start(target, join(dir, 'nodes', name));
      started.push(broker);
      return broker;
    };
    const testedKafka = await start({ broker: 'kafka', kafkaVersion: tested }, `kafka-${tested}`);
    const candidateKafka = await start({ broker: 'kafka', kafkaVersion: candidate }, `kafka-${candidate}`);
    const brokerTs = await start({ broker: 'broker-ts' }, 'broker-ts');
    const answers = { tested: await observeAll(testedKafka), candidate: await observeAll(candidateKafka), brokerTs: await observeAll(brokerTs) };
    return {
      kafkaChanges: describeComparison(comparison(testedKafka, answers.tested, candidateKafka, answers.candidate, false)),
      brokerTsDifferences: describeComparison(comparison(candidateKafka, answers.candidate, brokerTs, answers.brokerTs, true)),
    };
  } finally {
    for (const broker of started.reverse()) await broker.close();
  }
}

async function runCatalogue(candidate: string, options: CanaryOptions): Promise<CatalogueOutcome[]> {
  const experiments = options.experiments ?? [];
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const runDir = join(options.dir, 'catalogue');
  const results = await runPool(experiments, options.parallel ?? 1, (exp) =>
    runExperiment(exp, 'kafka', { runId: relative(resolve(options.dir, '..'), runDir), runDir, seed, kafkaVersion: candidate }),
  );
  return results.map((r) => {
    const was = baselineLine(options.baseline, r.experiment, options.tested ?? DEFAULT_KAFKA_RELEASE);
    return { experiment: r.experiment, verdict: r.verdict, reason: r.reason, ...(was !== undefined ? { baseline: was } : {}) };
  });
}

export function canaryMarkdown(report: CanaryReport): string {
  const title = `# Kafka ${report.candidate} against the tested ${report.tested}\n\n`;
  if (report.status === 'no-newer-release') return `${title}No release newer than the tested ${report.tested} is published: nothing to check.\n`;
  const list = (heading: string, lines: string[], none: string) => `## ${heading}\n\n${lines.length ? lines.map((l) => `- ${l}`).join('\n') : none}\n\n`;
  const catalogue = report.catalogue.length
    ? `## The quick catalogue on Kafka ${report.candidate}\n\n| experiment | verdict | tested line in the baseline | reason |\n|---|---|---|---|\n${report.catalogue
        .map(
          (c) =>
            `| ${c.experiment} | ${c.verdict}${c.baseline === 'pass' && c.verdict !== 'pass' ? ' (**changed**)' : ''} | ${c.baseline ?? '-'} | ${c.reason.replace(/\|/g, '\\|')} |`,
        )
        .join('\n')}\n\n`
    : '';
  return (
    title +
    list(`Protocol: what Kafka ${report.candidate}'s message definitions change`, report.protocolChanges, 'No change.') +
    list(`Wire answers: where Kafka ${report.candidate} answers differently from ${report.tested}`, report.kafkaChanges, 'No change.') +
    list(
      `broker-ts against Kafka ${report.candidate}: what the broker comparison test would report with ${report.candidate} pinned`,
      report.brokerTsDifferences,
      'No difference: broker-ts answers as this release does.',
    ) +
    catalogue
  );
}

/** Runs the canary and writes canary.json and canary.md into options.dir. */
export async function runCanary(options: CanaryOptions): Promise<CanaryReport> {
  const started = Date.now();
  const tested = (await provisionKafka(options.tested)).version;
  const candidate = (await provisionKafka(options.candidate ?? LATEST)).version;
  const report: CanaryReport = {
    tested,
    candidate,
    status: 'no-newer-release',
    protocolChanges: [],
    kafkaChanges: [],
    brokerTsDifferences: [],
    catalogue: [],
    durationMs: 0,
  };
  if (candidate !== tested) {
    const [testedInstall, candidateInstall] = [await provisionKafka(tested), await provisionKafka(candidate)];
    log.info({ tested, candidate }, 'canary: comparing a Kafka release with the tested one');
    report.protocolChanges = messageChanges(
      extractMessageDefinitions(testedInstall, join(options.dir, 'definitions', tested)),
      extractMessageDefinitions(candidateInstall, join(options.dir, 'definitions', candidate)),
    );
    Object.assign(report, await compareWire(tested, candidate, options.dir));
    report.catalogue = await runCatalogue(candidate, { ...options, tested });
    const catalogueChanged = report.catalogue.some((c) => c.baseline === 'pass' && c.verdict !== 'pass');
    const differs = report.protocolChanges.length + report.kafkaChanges.length + report.brokerTsDifferences.length > 0 || catalogueChanged;
    report.status = differs ? 'differs' : 'no-difference';
  }
  report.durationMs = Date.now() - started;
  writeJsonAtomic(join(options.dir, 'canary.json'), report);
  writeFileSync(join(options.dir, 'canary.md'), canaryMarkdown(report));
  return report;
}

/** For nightly: the canary must not fail the night; a failure to run it is reported, not thrown. */
export async function runCanaryQuietly(options: CanaryOptions): Promise<CanaryReport | { error: string }> {
  try {
    return await runCanary(options);
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'canary could not run');
    return { error: errorMessage(err) };
  }
}
