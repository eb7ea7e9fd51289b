// Entry point of `npx broker-ts` (bin/broker-ts.js): reads the configuration as kafka.Kafka does
// (a properties file and --override key=value), starts one node, and shuts it down cleanly on
// SIGTERM or SIGINT (flush, close logs, exit 0). Configuration errors exit 1 with a message naming
// the key at fault.
import { Broker } from './broker.js';
import { describeStaticConfig, loadBrokerConfig } from './config/broker-config.js';
import { USAGE, parseCommandLine } from './config/command-line.js';
import { ConfigError } from './config/config-error.js';
import { createLogger } from './logging/logger.js';
import { applyHeapGrowth } from './server/heap-growth.js';

async function main(args: readonly string[]): Promise<number> {
  applyHeapGrowth();
  const logger = createLogger({ file: process.env.BROKER_TS_LOG_FILE });
  let broker: Broker;
  try {
    const commandLine = parseCommandLine(args);
    if (commandLine.help) {
      console.log(USAGE);
      return 0;
    }
    const { config, warnings, notApplied } = loadBrokerConfig(commandLine.properties);
    logger.info({ configFile: commandLine.configFile ?? '(built-in defaults)', values: describeStaticConfig(config) }, 'broker-ts configuration');
    for (const warning of warnings) logger.warn(warning);
    if (notApplied.length > 0) logger.info({ keys: notApplied }, 'Kafka settings accepted without effect in broker-ts');
    broker = await Broker.start(config, logger);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      console.error(`broker-ts: ${error.message}`);
      return 1;
    }
    logger.fatal({ err: error }, 'broker-ts failed to start');
    console.error('broker-ts failed to start:', error);
    return 1;
  }

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'received signal');
      broker.shutdown().then(
        () => resolve(0),
        (error: unknown) => {
          logger.fatal({ err: error }, 'unclean shutdown');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

process.exitCode = await main(process.argv.slice(2));
// Lingering sockets or timers must not keep a stopped broker alive.
process.exit();
