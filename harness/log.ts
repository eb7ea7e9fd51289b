import pino, { type Logger } from 'pino';

// Logs go to stderr: stdout carries machine-readable output (the `cluster up` line, tables).
// Pretty only when a person is watching.
function createLogger(): Logger {
  const level = process.env.KAFKA_CHAOS_LOG_LEVEL ?? 'info';
  if (process.stderr.isTTY) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } },
    });
  }
  return pino({ level }, pino.destination(2));
}

export const log: Logger = createLogger();
export type { Logger };
