import { describe, expect, it } from 'vitest';
import { loadBrokerConfig } from './broker-config.js';
import { ConfigError } from './config-error.js';
import { defaultProperties } from './default-properties.js';

function load(overrides: Record<string, string | undefined>, base = defaultProperties()) {
  const properties = new Map(base);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) properties.delete(key);
    else properties.set(key, value);
  }
  return loadBrokerConfig(properties);
}

function errorOf(overrides: Record<string, string | undefined>): string {
  try {
    load(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** What the harness writes for one node (harness/runtime/process/layout.ts). */
const HARNESS_NODE = new Map(
  Object.entries({
    'cluster.id': 'MkU3OEVBNTcwNTJENDM2Qk',
    'node.id': '1',
    'process.roles': 'broker,controller',
    listeners: 'CLIENT://127.0.0.1:20001,REPL://127.0.0.1:20002,CONTROLLER://127.0.0.1:20003,HARNESS://127.0.0.1:20004',
    'advertised.listeners': 'CLIENT://127.0.0.1:30001,REPL://127.0.0.1:30002,CONTROLLER://127.0.0.1:30003,HARNESS://127.0.0.1:20004',
    'listener.security.protocol.map': 'CLIENT:PLAINTEXT,REPL:PLAINTEXT,CONTROLLER:PLAINTEXT,HARNESS:PLAINTEXT',
    'inter.broker.listener.name': 'REPL',
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': '1@127.0.0.1:20003',
    'log.dirs': '/tmp/node-1',
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '3',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '3',
    'group.initial.rebalance.delay.ms': '0',
    'auto.leader.rebalance.enable': 'false',
    'broker.heartbeat.interval.ms': '500',
    'broker.session.timeout.ms': '3000',
  }),
);

describe('loadBrokerConfig', () => {
  it('gives the no-argument node Kafka defaults plus the single-node settings', () => {
    const { config, warnings } = load({});
    expect(config.nodeId).toBe(1);
    expect(config.listeners.map((l) => `${l.name} ${l.host}:${l.port}`)).toEqual(['PLAINTEXT 127.0.0.1:9092', 'CONTROLLER 127.0.0.1:9093']);
    expect(config.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
    expect(config.interBrokerListenerName).toBe('PLAINTEXT');
    expect(config.numPartitions).toBe(1);
    expect(config.offsetsTopicReplicationFactor).toBe(1);
    // As Kafka's sample server.properties: one node can hold __transaction_state, so transactions work.
    expect(config.transactionStateLogReplicationFactor).toBe(1);
    expect(config.transactionStateLogMinIsr).toBe(1);
    expect(config.offsetsTopicNumPartitions).toBe(50);
    expect(config.groupInitialRebalanceDelayMs).toBe(3000);
    expect(config.socketRequestMaxBytes).toBe(104857600);
    expect(config.clusterId).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('accepts the configuration the harness writes', () => {
    const { config, warnings, notApplied } = loadBrokerConfig(HARNESS_NODE);
    expect(config.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk');
    expect(config.advertisedListeners.map((l) => `${l.name}:${l.port}`)).toEqual(['CLIENT:30001', 'REPL:30002', 'CONTROLLER:30003', 'HARNESS:20004']);
    expect(config.controllerListenerNames).toEqual(['CONTROLLER']);
    expect(config.quorumVoters).toEqual([{ id: 1, host: '127.0.0.1', port: 20003 }]);
    expect(warnings).toEqual([]);
    expect(notApplied).toEqual(['auto.leader.rebalance.enable']);
    expect([config.transactionStateLogNumPartitions, config.transactionStateLogReplicationFactor, config.transactionStateLogMinIsr]).toEqual([3, 1, 1]);
  });

  it('warns about unknown keys and goes on', () => {
    expect(load({ 'no.such.key': 'x' }).warnings).toEqual(["The configuration 'no.such.key' was supplied but isn't a known config."]);
  });

  it('names the key and the problem for bad values, in Kafka words', () => {
    expect(errorOf({ 'num.partitions': 'abc' })).toBe('Invalid value abc for configuration num.partitions: Not a number of type INT');
    expect(errorOf({ 'num.partitions': '0' })).toBe('Invalid value 0 for configuration num.partitions: Value must be at least 1');
    expect(errorOf({ 'auto.create.topics.enable': 'yes' })).toBe(
      'Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false',
    );
    expect(errorOf({ 'log.segment.bytes': '1000' })).toBe('Invalid value 1000 for configuration log.segment.bytes: Value must be at least 1048576');
    expect(errorOf({ 'log.message.timestamp.type': 'Now' })).toContain('String must be one of: CreateTime, LogAppendTime');
    expect(errorOf({ 'group.consumer.migration.policy': 'sideways' })).toContain(
      'String must be one of (case insensitive): disabled, upgrade, downgrade, bidirectional',
    );
    expect(load({ 'group.consumer.migration.policy': 'UPGRADE' }).config.groupConsumerMigrationPolicy).toBe('upgrade');
    expect(errorOf({ 'group.coordinator.rebalance.protocols': 'consumer' })).toBe("Disabling the 'classic' protocol is not supported.");
  });

  it('takes a quorum of several voters that includes this node, and refuses one without it', () => {
    const { config } = load({ 'controller.quorum.voters': '1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293' });
    expect(config.quorumVoters.map((v) => v.id)).toEqual([1, 2, 3]);
    expect(errorOf({ 'controller.quorum.voters': '2@127.0.0.1:9093,3@127.0.0.1:9193' })).toMatch(/this node \(node\.id 1\) must be one of the voters/);
    expect(errorOf({ 'controller.quorum.voters': '1@127.0.0.1:9093,1@127.0.0.1:9193' })).toMatch(/a voter id appears twice/);
  });

  it('refuses listeners it cannot serve', () => {
    expect(errorOf({ 'listener.security.protocol.map': 'PLAINTEXT:SSL,CONTROLLER:PLAINTEXT' })).toMatch(
      /ssl.keystore.location: listener PLAINTEXT uses TLS and needs a key store/,
    );
    expect(errorOf({ listeners: 'PLAINTEXT://127.0.0.1:9092,PLAINTEXT://127.0.0.1:9093' })).toMatch(/Each listener must have a different name/);
    expect(errorOf({ 'controller.listener.names': 'NOPE' })).toMatch(/controller\.listener\.names.*NOPE is not a listener/);
    expect(errorOf({ 'inter.broker.listener.name': 'OTHER' })).toMatch(
      /inter\.broker\.listener\.name must be a listener name defined in advertised\.listeners/,
    );
    expect(errorOf({ 'node.id': undefined })).toBe('Missing required configuration "node.id" which has no default value.');
  });

  it('advertises the listeners themselves when advertised.listeners is not set, without the controller listener', () => {
    const { config } = load({ 'advertised.listeners': undefined });
    expect(config.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
  });
});
