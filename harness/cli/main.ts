import { HarnessError, errorMessage } from '../errors.js';
import { log } from '../log.js';
import { supervisor } from '../runtime/supervisor.js';
import { commandUsage, overallUsage, parseCommand } from './command-spec.js';
import { COMMANDS } from './commands.js';
import { install } from './interrupt.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${overallUsage(COMMANDS)}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') {
    const spec = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(`${spec ? commandUsage(spec) : overallUsage(COMMANDS)}\n`);
    return rest[0] === undefined || spec ? 0 : 2;
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new HarnessError(`unknown command "${name}"\n\n${overallUsage(COMMANDS)}`);
  const { values, positionals } = parseCommand(spec, rest);
  if (values.help === true) {
    process.stdout.write(`${commandUsage(spec)}\n`);
    return 0;
  }
  return spec.run(values, positionals);
}

install();
// A bug must still end with status 2 and no children left behind.
process.on('uncaughtException', (err) => {
  log.error({ err }, 'unexpected harness failure');
  void supervisor()
    .shutdown()
    .finally(() => process.exit(2));
});
let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof HarnessError) {
    process.stderr.write(`kafka-chaos: ${errorMessage(err)}\n`);
  } else {
    log.error({ err }, 'unexpected harness failure');
  }
  code = 2;
}
await supervisor().shutdown();
process.exit(code);
