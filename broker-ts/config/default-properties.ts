// The configuration of `broker-ts` run without a properties file: one combined node on 127.0.0.1,
// set up as Kafka's sample config/server.properties sets up a single development node.
import { DEFAULT_LOG_DIR } from './broker-config-keys.js';

export function defaultProperties(): Map<string, string> {
  return new Map([
    ['process.roles', 'broker,controller'],
    ['node.id', '1'],
    ['listeners', 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093'],
    ['advertised.listeners', 'PLAINTEXT://127.0.0.1:9092'],
    ['controller.listener.names', 'CONTROLLER'],
    ['controller.quorum.voters', '1@127.0.0.1:9093'],
    ['log.dirs', DEFAULT_LOG_DIR],
    ['num.partitions', '1'],
    ['offsets.topic.replication.factor', '1'],
    ['transaction.state.log.replication.factor', '1'],
    ['transaction.state.log.min.isr', '1'],
  ]);
}
