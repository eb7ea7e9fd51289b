import { parseArgs } from 'node:util';
import { HarnessError, errorMessage } from '../errors.js';
import { listExperiments } from '../experiment/load.js';
import { log } from '../log.js';
import { BROKER_KINDS, type BrokerKind } from '../runtime/cluster.js';
import { supervisor } from '../runtime/supervisor.js';
import { compatCommand } from '../compat/command.js';
import { canaryCommand } from './canary-command.js';
import { checkCommand } from './check-command.js';
import { mutantsCommand } from './mutants-command.js';
import { clusterUp } from './cluster-command.js';
import { imagesBuild } from './images-command.js';
import { install } from './interrupt.js';
import { defaultNightlyParallelism, nightlyCommand } from './nightly-command.js';
import { runCommand } from './run-command.js';
import { RUNTIME_ARGS, RUNTIME_USAGE, runtimeSelection } from './runtime-options.js';
import { SECURITY_ARGS, SECURITY_USAGE, securitySelection } from './security-options.js';
import { soakCommand } from './soak-command.js';
import { parseDuration } from '../duration.js';
import { MIX_FAULT_KINDS, type MixKind } from '../nemesis/mix.js';

const USAGE = `kafka-chaos: chaos experiments against Apache Kafka and broker-ts

Usage:
  kafka-chaos list
  kafka-chaos run <experiment...> [--broker kafka|broker-ts|both] [--seed N] [--out DIR]
                  [--kafka-version V] ${RUNTIME_USAGE}
                  ${SECURITY_USAGE}
  kafka-chaos check <run-dir|history.jsonl> [--experiment NAME|FILE]
  kafka-chaos cluster up --broker kafka|broker-ts [--nodes N] [--kafka-version V] ${RUNTIME_USAGE}
                  ${SECURITY_USAGE}
  kafka-chaos images build [--broker kafka|broker-ts|both] [--kafka-version V]
  kafka-chaos nightly [--quick] [--broker kafka|broker-ts|both] [--kafka-version V]... [--repeat N]
                      [--baseline FILE] [--update-baseline] [--seed N] [--parallel N] [--out DIR]
                      [--no-canary] [experiment...] ${RUNTIME_USAGE}
                      ${SECURITY_USAGE}
  kafka-chaos compat [scenario...] [--broker kafka|broker-ts|both] [--kafkajs V1,V2] [--nodes N]
                     [--kafka-version V] [--broker-config key=value]... [--out DIR] ${RUNTIME_USAGE}
  kafka-chaos canary [--kafka-version V] [--quick] [--seed N] [--parallel N] [--out DIR]
                     (V: the release to check, default the newest on Maven Central)
  kafka-chaos mutants [setting...] [--seeds N] [--seed FIRST] [--out DIR]
  kafka-chaos soak --duration D --broker kafka|broker-ts [--seed N] [--nodes N] [--cycle D] [--rate N]
                   [--faults kill,pause,cut,latency] [--max-memory-growth MB_PER_HOUR] [--kafka-version V] [--out DIR] ${SECURITY_USAGE}

run exits 0 when every expectation held, 1 when one did not, 2 on a harness error;
check judges a stored run (or a bare history) again and exits like run;
mutants exits 0 when every broker-ts mutant was caught by its anomaly class and passed without its bug, 1 otherwise;
compat exits 0 when every scenario passed on every broker, 1 when one failed, 2 on a harness error;
nightly exits 1 on a regression against the baseline (results/baseline.json), 2 on a harness error;
canary exits 0 when no newer Kafka release is published or it changes nothing, 1 when it does (named in canary.md);
soak exits 0 when no cycle lost an acknowledged message and memory stayed flat, 1 otherwise, 2 on a harness error.
Results go to <out>/<run-id>/<experiment>/<broker>/ (default out: ./results).`;

function brokersOf(value: string | undefined): BrokerKind[] {
  if (value === undefined || value === 'kafka') return ['kafka'];
  if (value === 'both') return [...BROKER_KINDS];
  if ((BROKER_KINDS as string[]).includes(value)) return [value as BrokerKind];
  throw new HarnessError(`--broker: expected kafka, broker-ts or both, got "${value}"`);
}

function intOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new HarnessError(`--${name}: expected a non-negative integer, got "${value}"`);
  return Number(value);
}

function mixFaultsOf(value: string): MixKind[] {
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(MIX_FAULT_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) throw new HarnessError(`--faults: expected a comma-separated list of ${MIX_FAULT_KINDS.join(', ')}, got "${value}"`);
  return kinds as MixKind[];
}

function oneLine(text: string, max = 100): string {
  const first = text.split(/(?<=\.)\s/)[0]!;
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      broker: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', default: 'results' },
      'kafka-version': { type: 'string', multiple: true },
      quick: { type: 'boolean' },
      repeat: { type: 'string' },
      seeds: { type: 'string' },
      parallel: { type: 'string' },
      baseline: { type: 'string', default: 'results/baseline.json' },
      'update-baseline': { type: 'boolean' },
      'no-canary': { type: 'boolean' },
      ...RUNTIME_ARGS,
      ...SECURITY_ARGS,
      nodes: { type: 'string' },
      experiment: { type: 'string' },
      kafkajs: { type: 'string' },
      'broker-config': { type: 'string', multiple: true },
      duration: { type: 'string' },
      cycle: { type: 'string', default: '5m' },
      rate: { type: 'string', default: '100' },
      faults: { type: 'string', default: 'kill,pause,cut,latency' },
      'max-memory-growth': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  // Several for nightly (repeated or comma-separated); every other command takes the last one.
  const kafkaVersions = (values['kafka-version'] ?? []).flatMap((v) => v.split(',')).filter((v) => v.length > 0);
  const kafkaVersion = kafkaVersions.at(-1);
  switch (command) {
    case 'list': {
      for (const e of listExperiments()) process.stdout.write(`${e.name.padEnd(34)} ${oneLine(e.description)}\n`);
      return 0;
    }
    case 'run':
      return runCommand({
        experiments: rest,
        brokers: brokersOf(values.broker),
        out: values.out!,
        runtime: runtimeSelection(values),
        security: securitySelection(values),
        ...(values.seed !== undefined ? { seed: intOf('seed', values.seed)! } : {}),
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    case 'cluster': {
      if (rest[0] !== 'up') throw new HarnessError('cluster: the only subcommand is `cluster up`');
      const broker = brokersOf(values.broker);
      if (broker.length !== 1) throw new HarnessError('cluster up: --broker must name one broker');
      return clusterUp({
        broker: broker[0]!,
        nodes: intOf('nodes', values.nodes) ?? 3,
        runtime: runtimeSelection(values),
        security: securitySelection(values),
        out: values.out!,
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    }
    case 'images': {
      if (rest[0] !== 'build') throw new HarnessError('images: the only subcommand is `images build`');
      return imagesBuild({
        brokers: values.broker === undefined ? ['kafka', 'broker-ts'] : brokersOf(values.broker),
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    }
    case 'nightly':
      return nightlyCommand({
        quick: values.quick ?? false,
        brokers: values.broker === undefined ? ['kafka', 'broker-ts'] : brokersOf(values.broker),
        // --quick is the ten-minute check: one Kafka line (the tested 4.x) against broker-ts.
        kafkaVersions: kafkaVersions.length ? kafkaVersions : values.quick ? ['4'] : ['3.9', '4'],
        repeat: intOf('repeat', values.repeat) ?? 1,
        out: values.out!,
        baseline: values.baseline!,
        updateBaseline: values['update-baseline'] ?? false,
        runtime: runtimeSelection(values),
        security: securitySelection(values),
        parallel: intOf('parallel', values.parallel) ?? defaultNightlyParallelism(runtimeSelection(values)),
        experiments: rest,
        canary: !values['no-canary'],
        ...(values.seed !== undefined ? { seed: intOf('seed', values.seed)! } : {}),
      });
    case 'soak': {
      if (values.duration === undefined) throw new HarnessError('soak: --duration is required (e.g. 1h, 30m)');
      const broker = brokersOf(values.broker);
      if (broker.length !== 1) throw new HarnessError('soak: --broker must name one broker');
      return soakCommand({
        broker: broker[0]!,
        durationMs: parseDuration(values.duration),
        cycleMs: parseDuration(values.cycle!),
        nodes: intOf('nodes', values.nodes) ?? 3,
        rate: intOf('rate', values.rate)!,
        maxMemoryGrowthMbPerHour: intOf('max-memory-growth', values['max-memory-growth'])!,
        faults: mixFaultsOf(values.faults!),
        out: values.out!,
        runtime: runtimeSelection(values),
        security: securitySelection(values),
        ...(values.seed !== undefined ? { seed: intOf('seed', values.seed)! } : {}),
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    }
    case 'check': {
      if (rest.length !== 1) throw new HarnessError('check: give one run folder or history file');
      return checkCommand({ target: rest[0]!, ...(values.experiment !== undefined ? { experiment: values.experiment } : {}) });
    }
    case 'mutants':
      return mutantsCommand({ only: rest, seeds: intOf('seeds', values.seeds) ?? 5, firstSeed: intOf('seed', values.seed) ?? 1, out: values.out! });
    case 'canary':
      return canaryCommand({
        quick: values.quick ?? false,
        out: values.out!,
        baseline: values.baseline!,
        parallel: intOf('parallel', values.parallel) ?? 1,
        ...(values.seed !== undefined ? { seed: intOf('seed', values.seed)! } : {}),
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    case 'compat':
      return compatCommand({
        scenarios: rest,
        brokers: brokersOf(values.broker),
        brokerConfig: values['broker-config'] ?? [],
        runtime: runtimeSelection(values),
        out: values.out!,
        ...(values.kafkajs !== undefined ? { kafkajs: values.kafkajs } : {}),
        ...(values.nodes !== undefined ? { nodes: intOf('nodes', values.nodes)! } : {}),
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    default:
      throw new HarnessError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

install();
// A bug must still end with status 2 and no children left behind.
process.on('uncaughtException', (err) => {
  log.error({ err }, 'unexpected harness failure');
  void supervisor().shutdown().finally(() => process.exit(2));
});
let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof HarnessError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`kafka-chaos: ${errorMessage(err)}\n`);
  } else {
    log.error({ err }, 'unexpected harness failure');
  }
  code = 2;
}
await supervisor().shutdown();
process.exit(code);
