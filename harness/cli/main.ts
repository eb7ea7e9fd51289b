import { parseArgs } from 'node:util';
import { HarnessError, errorMessage } from '../errors.js';
import { listExperiments } from '../experiment/load.js';
import { log } from '../log.js';
import { BROKER_KINDS, type BrokerKind } from '../runtime/cluster.js';
import { supervisor } from '../runtime/supervisor.js';
import type { RuntimeKind } from '../runtime/start-cluster.js';
import { clusterUp } from './cluster-command.js';
import { install } from './interrupt.js';
import { runCommand } from './run-command.js';

const USAGE = `kafka-chaos: chaos experiments against Apache Kafka and broker-ts

Usage:
  kafka-chaos list
  kafka-chaos run <experiment...> [--broker kafka|broker-ts|both] [--seed N] [--out DIR]
                  [--kafka-version V] [--runtime process]
  kafka-chaos cluster up --broker kafka|broker-ts [--nodes N] [--kafka-version V]

run exits 0 when every expectation held, 1 when one did not, 2 on a harness error.
Results go to <out>/<run-id>/<experiment>/<broker>/ (default out: ./results).`;

function brokersOf(value: string | undefined): BrokerKind[] {
  if (value === undefined || value === 'kafka') return ['kafka'];
  if (value === 'both') return [...BROKER_KINDS];
  if ((BROKER_KINDS as string[]).includes(value)) return [value as BrokerKind];
  throw new HarnessError(`--broker: expected kafka, broker-ts or both, got "${value}"`);
}

function runtimeOf(value: string | undefined): RuntimeKind {
  if (value === undefined || value === 'process') return 'process';
  if (value === 'docker') return 'docker';
  throw new HarnessError(`--runtime: expected process or docker, got "${value}"`);
}

function intOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new HarnessError(`--${name}: expected a non-negative integer, got "${value}"`);
  return Number(value);
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
      'kafka-version': { type: 'string' },
      runtime: { type: 'string' },
      nodes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  const kafkaVersion = values['kafka-version'];
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
        runtime: runtimeOf(values.runtime),
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
        runtime: runtimeOf(values.runtime),
        out: values.out!,
        ...(kafkaVersion !== undefined ? { kafkaVersion } : {}),
      });
    }
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
