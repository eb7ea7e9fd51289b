// Every command of kafka-chaos: its options, their help, and how the parsed values become the
// options of the function that does the work. Adding a command is one entry here and one module.
import { compatCommand } from '../compat/command.js';
import { parseDuration } from '../duration.js';
import { HarnessError } from '../errors.js';
import { listExperiments } from '../experiment/load.js';
import { MIX_FAULT_KINDS, type MixKind } from '../nemesis/mix.js';
import { BROKER_KINDS, type BrokerKind } from '../runtime/cluster.js';
import { canaryCommand } from './canary-command.js';
import { checkCommand } from './check-command.js';
import { clusterUp } from './cluster-command.js';
import { crashPointsCommand } from './crash-points-command.js';
import { intOption, listOption, stringOption, type CommandSpec, type OptionSpecs, type OptionValues } from './command-spec.js';
import { imagesBuild } from './images-command.js';
import { mutantsCommand } from './mutants-command.js';
import { defaultNightlyParallelism, nightlyCommand } from './nightly-command.js';
import { runCommand } from './run-command.js';
import { RUNTIME_OPTIONS, runtimeSelection } from './runtime-options.js';
import { SECURITY_OPTIONS, securitySelection } from './security-options.js';
import { soakCommand } from './soak-command.js';

const BROKER: OptionSpecs = { broker: { type: 'string', value: 'kafka|broker-ts|both', help: 'which broker to run (default kafka)' } };
const KAFKA_VERSION: OptionSpecs = {
  'kafka-version': { type: 'string', value: 'V', help: 'a Kafka release (3.9.2), a line (3.9, 4: its tested release) or latest (default: the tested 4.4.0)' },
};
const OUT: OptionSpecs = { out: { type: 'string', value: 'DIR', default: 'results', help: 'where results go' } };
const SEED: OptionSpecs = { seed: { type: 'string', value: 'N', help: "fixes the run's random choices (printed at the end of a run)" } };

function brokersOf(value: string | undefined, all = false): BrokerKind[] {
  if (value === undefined) return all ? [...BROKER_KINDS] : ['kafka'];
  if (value === 'both') return [...BROKER_KINDS];
  if ((BROKER_KINDS as string[]).includes(value)) return [value as BrokerKind];
  throw new HarnessError(`--broker: expected kafka, broker-ts or both, got "${value}"`);
}

function oneBroker(command: string, values: OptionValues): BrokerKind {
  const brokers = brokersOf(stringOption(values, 'broker'));
  if (brokers.length !== 1) throw new HarnessError(`${command}: --broker must name one broker`);
  return brokers[0]!;
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));

function mixFaultsOf(value: string): MixKind[] {
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(MIX_FAULT_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0)
    throw new HarnessError(`--faults: expected a comma-separated list of ${MIX_FAULT_KINDS.join(', ')}, got "${value}"`);
  return kinds as MixKind[];
}

function oneLine(text: string, max = 100): string {
  const first = text.split(/(?<=\.)\s/)[0]!;
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'list',
    summary: 'the experiments of the catalogue, one line each',
    options: {},
    async run() {
      for (const e of listExperiments()) process.stdout.write(`${e.name.padEnd(34)} ${oneLine(e.description)}\n`);
      return 0;
    },
  },
  {
    name: 'run',
    summary: 'runs experiments and says, message by message, what each broker lost',
    args: '<experiment...>',
    options: { ...BROKER, ...SEED, ...OUT, ...KAFKA_VERSION, ...RUNTIME_OPTIONS, ...SECURITY_OPTIONS },
    exits: 'exits 0 when every verdict is pass (or not applicable), 1 when one failed, 2 on a harness error',
    run: (values, positionals) =>
      runCommand({
        experiments: positionals,
        brokers: brokersOf(stringOption(values, 'broker')),
        out: stringOption(values, 'out')!,
        runtime: runtimeSelection(values as { runtime?: string; images?: string }),
        security: securitySelection(values as { security?: string }),
        ...optional('seed', intOption(values, 'seed')),
        ...optional('kafkaVersion', stringOption(values, 'kafka-version')),
      }),
  },
  {
    name: 'check',
    summary: 'judges a stored run (or a bare history file) again with the current checkers',
    args: '<run-dir|history.jsonl>',
    options: { experiment: { type: 'string', value: 'NAME|FILE', help: 'judge with this experiment instead of the one the run stored' } },
    exits: 'exits like run',
    run: (values, positionals) => {
      if (positionals.length !== 1) throw new HarnessError('check: give one run folder or history file');
      return checkCommand({ target: positionals[0]!, ...optional('experiment', stringOption(values, 'experiment')) });
    },
  },
  {
    name: 'cluster',
    summary: 'cluster up: a cluster behind its proxies for hands-on use, until Ctrl-C',
    args: 'up',
    options: {
      ...BROKER,
      nodes: { type: 'string', value: 'N', default: '3', help: 'how many nodes' },
      ...OUT,
      ...KAFKA_VERSION,
      ...RUNTIME_OPTIONS,
      ...SECURITY_OPTIONS,
    },
    run: (values, positionals) => {
      if (positionals[0] !== 'up' || positionals.length !== 1) throw new HarnessError('cluster: the only subcommand is `cluster up`');
      return clusterUp({
        broker: oneBroker('cluster up', values),
        nodes: intOption(values, 'nodes')!,
        runtime: runtimeSelection(values as { runtime?: string; images?: string }),
        security: securitySelection(values as { security?: string }),
        out: stringOption(values, 'out')!,
        ...optional('kafkaVersion', stringOption(values, 'kafka-version')),
      });
    },
  },
  {
    name: 'images',
    summary: 'images build: the local images (Debian, Java, Kafka, toxiproxy, Node.js), pulling nothing',
    args: 'build',
    options: { broker: { type: 'string', value: 'kafka|broker-ts|both', help: 'whose images (default both)' }, ...KAFKA_VERSION },
    run: (values, positionals) => {
      if (positionals[0] !== 'build' || positionals.length !== 1) throw new HarnessError('images: the only subcommand is `images build`');
      return imagesBuild({ brokers: brokersOf(stringOption(values, 'broker'), true), ...optional('kafkaVersion', stringOption(values, 'kafka-version')) });
    },
  },
  {
    name: 'nightly',
    summary: 'the catalogue on every broker line, compared with the committed baseline; then the canary',
    args: '[experiment...]',
    options: {
      quick: { type: 'boolean', help: 'only the experiments tagged quick, on the 4.x line and broker-ts' },
      broker: { type: 'string', value: 'kafka|broker-ts|both', help: 'which brokers (default both)' },
      'kafka-version': {
        type: 'string',
        value: 'V',
        multiple: true,
        help: 'Kafka lines to cover, repeated or comma-separated (default 3.9 and 4, their tested releases)',
      },
      repeat: { type: 'string', value: 'N', default: '1', help: 'runs of every cell; cells whose runs disagree are flaky' },
      baseline: { type: 'string', value: 'FILE', default: 'results/baseline.json', help: 'the outcomes to compare with' },
      'update-baseline': { type: 'boolean', help: "write this night's outcomes as the new baseline" },
      parallel: { type: 'string', value: 'N', help: 'runs at once, each with its own cluster (default 2 on two or more cores, 1 with docker)' },
      'no-canary': { type: 'boolean', help: 'skip the canary for a newer Kafka release' },
      ...SEED,
      ...OUT,
      ...RUNTIME_OPTIONS,
      ...SECURITY_OPTIONS,
    },
    exits: 'exits 1 on a regression against the baseline, 2 on a harness error',
    run: (values, positionals) => {
      const quick = values.quick === true;
      const versions = listOption(values, 'kafka-version');
      const runtime = runtimeSelection(values as { runtime?: string; images?: string });
      return nightlyCommand({
        quick,
        brokers: brokersOf(stringOption(values, 'broker'), true),
        kafkaVersions: versions.length ? versions : quick ? ['4'] : ['3.9', '4'],
        repeat: intOption(values, 'repeat')!,
        out: stringOption(values, 'out')!,
        baseline: stringOption(values, 'baseline')!,
        updateBaseline: values['update-baseline'] === true,
        runtime,
        security: securitySelection(values as { security?: string }),
        parallel: intOption(values, 'parallel') ?? defaultNightlyParallelism(runtime),
        experiments: positionals,
        canary: values['no-canary'] !== true,
        ...optional('seed', intOption(values, 'seed')),
      });
    },
  },
  {
    name: 'canary',
    summary: 'how the newest Kafka release (or --kafka-version) differs from the tested one, and from broker-ts',
    options: {
      'kafka-version': { type: 'string', value: 'V', help: 'the release to check (default latest: the newest on Maven Central)' },
      quick: { type: 'boolean', help: 'also run the quick catalogue on it' },
      parallel: { type: 'string', value: 'N', default: '1', help: 'catalogue runs at once' },
      baseline: { type: 'string', value: 'FILE', default: 'results/baseline.json', help: "the tested line's outcomes to compare the catalogue with" },
      ...SEED,
      ...OUT,
    },
    exits: 'exits 0 when no newer release is published or it changes nothing, 1 when something differs (named in canary.md), 2 on a harness error',
    run: (values) =>
      canaryCommand({
        quick: values.quick === true,
        out: stringOption(values, 'out')!,
        baseline: stringOption(values, 'baseline')!,
        parallel: intOption(values, 'parallel')!,
        ...optional('seed', intOption(values, 'seed')),
        ...optional('kafkaVersion', stringOption(values, 'kafka-version')),
      }),
  },
  {
    name: 'compat',
    summary: 'client compatibility scenarios (kafkajs releases, kcat, Java) on each broker',
    args: '[scenario...]',
    options: {
      ...BROKER,
      kafkajs: { type: 'string', value: 'V1,V2', help: "kafkajs releases to run (default the project's own)" },
      nodes: { type: 'string', value: 'N', help: 'nodes per cluster (default 3)' },
      'broker-config': { type: 'string', value: 'key=value', multiple: true, help: 'a server.properties setting for every node' },
      ...KAFKA_VERSION,
      ...OUT,
      ...RUNTIME_OPTIONS,
    },
    exits: 'exits 0 when every scenario passed on every broker, 1 when one failed, 2 on a harness error',
    run: (values, positionals) =>
      compatCommand({
        scenarios: positionals,
        brokers: brokersOf(stringOption(values, 'broker')),
        brokerConfig: (values['broker-config'] as string[] | undefined) ?? [],
        runtime: runtimeSelection(values as { runtime?: string; images?: string }),
        out: stringOption(values, 'out')!,
        ...optional('kafkajs', stringOption(values, 'kafkajs')),
        ...optional('nodes', intOption(values, 'nodes')),
        ...optional('kafkaVersion', stringOption(values, 'kafka-version')),
      }),
  },
  {
    name: 'mutants',
    summary: "broker-ts's unsafe settings, each run with and without its bug: caught by its anomaly class?",
    args: '[setting...]',
    options: {
      seeds: { type: 'string', value: 'N', default: '5', help: 'seeds per mutant' },
      seed: { type: 'string', value: 'N', default: '1', help: 'the first seed' },
      ...OUT,
    },
    exits: 'exits 0 when every mutant was caught by its anomaly class and passed without its bug, 1 otherwise',
    run: (values, positionals) =>
      mutantsCommand({ only: positionals, seeds: intOption(values, 'seeds')!, firstSeed: intOption(values, 'seed')!, out: stringOption(values, 'out')! }),
  },
  {
    name: 'crash-points',
    summary: "broker-ts's storage restarted on the disk of each crash point of a traced run: does it recover and keep what it acknowledged?",
    options: {
      points: { type: 'string', value: 'N', default: '20', help: 'crash points to try (two disks each: a power cut, and a torn write)' },
      load: { type: 'string', value: 'D', default: '5s', help: 'how long the traced node takes writes' },
      set: { type: 'string', value: 'KEY=VALUE', multiple: true, help: 'a broker-ts setting (broker.ts.bug.flush.skips.fsync=true)' },
      seed: { type: 'string', value: 'N', default: '1', help: 'fixes the load and the crash points' },
      ...OUT,
    },
    exits: 'exits 0 when broker-ts recovered every disk and kept everything acknowledged before its crash point, 1 otherwise',
    run: (values) =>
      crashPointsCommand({
        points: intOption(values, 'points')!,
        seed: intOption(values, 'seed')!,
        loadMs: parseDuration(stringOption(values, 'load')!),
        settings: listOption(values, 'set'),
        out: stringOption(values, 'out')!,
      }),
  },
  {
    name: 'soak',
    summary: 'hours of random faults in cycles: loss per cycle and memory growth of the nodes',
    options: {
      duration: { type: 'string', value: 'D', help: 'how long, e.g. 1h or 30m (required)' },
      ...BROKER,
      nodes: { type: 'string', value: 'N', default: '3', help: 'how many nodes' },
      cycle: { type: 'string', value: 'D', default: '5m', help: 'one cycle: faults, heal, drain, check' },
      rate: { type: 'string', value: 'N', default: '100', help: 'messages per second' },
      faults: { type: 'string', value: 'LIST', default: 'kill,pause,cut,latency', help: `comma-separated, of ${MIX_FAULT_KINDS.join(', ')}` },
      'max-memory-growth': { type: 'string', value: 'MB', default: '60', help: "allowed growth of a node's memory per hour" },
      ...SEED,
      ...KAFKA_VERSION,
      ...OUT,
      ...RUNTIME_OPTIONS,
      ...SECURITY_OPTIONS,
    },
    exits: 'exits 0 when no cycle lost an acknowledged message and memory stayed flat, 1 otherwise, 2 on a harness error',
    run: (values) => {
      const duration = stringOption(values, 'duration');
      if (duration === undefined) throw new HarnessError('soak: --duration is required (e.g. 1h, 30m)');
      return soakCommand({
        broker: oneBroker('soak', values),
        durationMs: parseDuration(duration),
        cycleMs: parseDuration(stringOption(values, 'cycle')!),
        nodes: intOption(values, 'nodes')!,
        rate: intOption(values, 'rate')!,
        maxMemoryGrowthMbPerHour: intOption(values, 'max-memory-growth')!,
        faults: mixFaultsOf(stringOption(values, 'faults')!),
        out: stringOption(values, 'out')!,
        runtime: runtimeSelection(values as { runtime?: string; images?: string }),
        security: securitySelection(values as { security?: string }),
        ...optional('seed', intOption(values, 'seed')),
        ...optional('kafkaVersion', stringOption(values, 'kafka-version')),
      });
    },
  },
];
