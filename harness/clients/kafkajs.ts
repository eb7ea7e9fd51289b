import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { log } from '../log.js';
import { kafkajsSecurity, type ClientSecurity } from '../security/cluster-security.js';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs every retry of every request at ERROR; under injected faults that is expected noise,
 * so its messages go to the harness log at debug unless KAFKA_CHAOS_KAFKAJS_LOG asks for more.
 */
function logCreator() {
  const quiet = !process.env.KAFKA_CHAOS_KAFKAJS_LOG;
  return ({ namespace, level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const name = quiet ? 'debug' : (LEVEL_NAMES[level] ?? 'info');
    log[name]({ kafkajs: namespace, ...rest }, message);
  };
}

/** Every kafkajs client of the harness; `security` is the cluster's (TLS and SASL settings), if it has any. */
export function kafkaClient(clientId: string, brokers: string[], extra: Partial<KafkaConfig> = {}, security?: ClientSecurity): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.INFO,
    logCreator,
    connectionTimeout: 3000,
    ...kafkajsSecurity(security),
    ...extra,
  });
}
