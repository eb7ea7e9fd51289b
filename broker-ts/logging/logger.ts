// broker-ts logs with pino: JSON lines to the file named by BROKER_TS_LOG_FILE (the harness keeps it
// as the node's server.log), pretty lines on a terminal, JSON on a non-terminal stdout. Writes are
// synchronous: the log is light (connections, admin changes, errors), and the last lines before a
// kill -9 are the interesting ones.
import { pino } from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** A file to append JSON lines to; stdout when absent. */
  file?: string | undefined;
  level?: string | undefined;
  /** Pretty-print (defaults to whether stdout is a terminal; never for a file). */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.BROKER_TS_LOG_LEVEL ?? 'info';
  const base = { name: 'broker-ts' };
  if (options.file !== undefined && options.file !== '') {
    return pino({ level, base }, pino.destination({ dest: options.file, sync: true, mkdir: true }));
  }
  if (options.pretty ?? process.stdout.isTTY) {
    return pino({ level, base }, pretty({ colorize: true, sync: true, ignore: 'pid,hostname,name' }));
  }
  return pino({ level, base }, pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything, for in-process tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
