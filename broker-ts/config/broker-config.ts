// The broker's static configuration: server.properties (plus --override) checked key by key with
// Kafka's rules, then across keys as KafkaConfig does in KRaft mode. What broker-ts cannot do yet
// (several controllers) is refused here with a message that names the key.
import { hostname } from 'node:os';
import { checkClientMechanism, listenerPrefix, resolveListenerSecurity } from '../security/listener-security.js';
import type { ListenerSecurity } from '../security/listener-security.js';
import { BROKER_CONFIG_KEYS, BROKER_TS_ONLY_KEYS, brokerConfigKey, listenerOverrideKey } from './broker-config-keys.js';
import { ConfigError } from './config-error.js';
import type { MigrationPolicy } from '../group/migration-policy.js';
import type { ConfigValue } from './config-key.js';
import { parseConfigValue } from './config-key.js';
import type { Endpoint, QuorumVoter } from './listeners.js';
import { parseEndpoints, parseQuorumVoters, parseSecurityProtocolMap } from './listeners.js';
import { resolveConnectionLimits } from './connection-limits.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { RaftConfig } from '../raft/raft-node.js';

export type ProcessRole = 'broker' | 'controller';

export interface BrokerConfig {
  nodeId: number;
  processRoles: readonly ProcessRole[];
  rack: string | null;
  /** Every listener the process binds, controller listeners included. */
  listeners: readonly Endpoint[];
  /** What clients and other brokers are told, per listener name (port 0 is filled in once bound). */
  advertisedListeners: readonly Endpoint[];
  interBrokerListenerName: string;
  controllerListenerNames: readonly string[];
  quorumVoters: readonly QuorumVoter[];
  /** From the configuration, or undefined to use (or generate) the one in meta.properties. */
  clusterId: string | undefined;
  logDirs: readonly string[];
  metadataLogDir: string;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  socketRequestMaxBytes: number;
  connectionsMaxIdleMs: number;
  fetchMaxBytes: number;
  fetchSessionCacheSlots: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicSegmentBytes: number;
  offsetMetadataMaxBytes: number;
  transactionStateLogReplicationFactor: number;
  transactionStateLogNumPartitions: number;
  transactionStateLogMinIsr: number;
  transactionStateLogSegmentBytes: number;
  transactionMaxTimeoutMs: number;
  transactionAbortTimedOutIntervalMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupMaxSize: number;
  groupConsumerSessionTimeoutMs: number;
  groupConsumerHeartbeatIntervalMs: number;
  groupConsumerMaxSize: number;
  groupConsumerAssignors: readonly string[];
  /** group.coordinator.rebalance.protocols */
  groupCoordinatorRebalanceProtocols: readonly string[];
  /** group.consumer.migration.policy, lower-cased. */
  groupConsumerMigrationPolicy: MigrationPolicy;
  replicaLagTimeMaxMs: number;
  /** log.retention.check.interval.ms: how often retention deletes old segments. */
  logRetentionCheckIntervalMs: number;
  /** log.initial.task.delay.ms (Kafka's, for tests): when the first retention check runs after start. */
  logInitialTaskDelayMs: number;
  brokerSessionTimeoutMs: number;
  brokerHeartbeatIntervalMs: number;
  uncleanLeaderElectionEnable: boolean;
  replicaFetchMaxBytes: number;
  replicaFetchWaitMaxMs: number;
  /** The metadata quorum's timeouts (controller.quorum.*). */
  raft: RaftConfig & { requestTimeoutMs: number };
  /** broker.ts.bug.*: unsafe behaviours for testing the checker, all off by default. */
  bugs: {
    ackBeforeReplication: boolean;
    electAnyReplica: boolean;
    skipTruncation: boolean;
    fetchSkipsBatch: boolean;
    skipDedupe: boolean;
    fetchOmitsAborted: boolean;
    hwIgnoresMinIsr: boolean;
    groupSkipsRevocation: boolean;
  };
  /** Per listener name: its security protocol, TLS material and SASL users. */
  listenerSecurity: ReadonlyMap<string, ListenerSecurity>;
  /** The mechanism this node authenticates with on the inter-broker listener, when it uses SASL. */
  saslMechanismInterBrokerProtocol: string;
  /** The mechanism this node authenticates with on controller listeners, when they use SASL. */
  saslMechanismControllerProtocol: string;
  /** Frames larger than this are refused before a SASL client is authenticated. */
  saslServerMaxReceiveSize: number;
  connectionFailedAuthenticationDelayMs: number;
  connectionLimits: ConnectionLimits;
  /** Every known key given in the file, as written (trimmed): DescribeConfigs' STATIC_BROKER_CONFIG values. */
  staticValues: ReadonlyMap<string, string>;
}

export interface LoadedConfig {
  config: BrokerConfig;
  /** Unknown keys (Kafka logs them as unused and goes on). */
  warnings: string[];
  /** Kafka keys set to values broker-ts does not act on. */
  notApplied: string[];
}

/** Parses and checks a configuration given as Kafka properties. */
export function loadBrokerConfig(properties: ReadonlyMap<string, string>): LoadedConfig {
  const warnings: string[] = [];
  const notApplied: string[] = [];
  const parsed = new Map<string, ConfigValue>();
  const staticValues = new Map<string, string>();
  for (const [name, raw] of properties) {
    const key = brokerConfigKey(name) ?? listenerOverrideKey(name);
    if (key === undefined) {
      warnings.push(`The configuration '${name}' was supplied but isn't a known config.`);
      continue;
    }
    parsed.set(name, parseConfigValue(key, raw));
    staticValues.set(name, raw.trim());
    if (key.support === 'accepted' && raw.trim() !== key.defaultValue) notApplied.push(name);
  }
  const value = (name: string): ConfigValue | null => {
    const given = parsed.get(name);
    if (given !== undefined) return given;
    const key = brokerConfigKey(name)!;
    return key.defaultValue === null ? null : parseConfigValue(key, key.defaultValue);
  };
  const number = (name: string) => value(name) as number;
  const bool = (name: string) => value(name) as boolean;
  const list = (name: string) => (value(name) as readonly string[] | null) ?? [];
  const string = (name: string) => value(name) as string | null;

  const nodeId = resolveNodeId(parsed);
  const processRoles = checkProcessRoles(list('process.roles'));
  const listeners = parseEndpoints('listeners', list('listeners'));
  const controllerListenerNames = list('controller.listener.names').map((name) => name.toUpperCase());
  checkControllerListeners(controllerListenerNames, listeners);
  const listenerValue = (listener: string, name: string): ConfigValue | null =>
    (listener === '' ? undefined : parsed.get(listenerPrefix(listener) + name)) ?? value(name);
  const listenerSecurity = resolveListenerSecurity({
    listenerNames: listeners.map((l) => l.name),
    protocolMap: parseSecurityProtocolMap(string('listener.security.protocol.map')!),
    controllerListenerNames,
    lookup: listenerValue,
    properties,
    warnings,
  });
  const advertisedListeners = resolveAdvertisedListeners(parsed, listeners, controllerListenerNames);
  const interBrokerListenerName = resolveInterBrokerListener(parsed, advertisedListeners);
  const saslMechanismInterBrokerProtocol = string('sasl.mechanism.inter.broker.protocol')!;
  const saslMechanismControllerProtocol = string('sasl.mechanism.controller.protocol')!;
  checkClientMechanism('sasl.mechanism.inter.broker.protocol', saslMechanismInterBrokerProtocol, listenerSecurity.get(interBrokerListenerName));
  for (const name of controllerListenerNames)
    checkClientMechanism('sasl.mechanism.controller.protocol', saslMechanismControllerProtocol, listenerSecurity.get(name));
  const quorumVoters = checkQuorum(nodeId, list('controller.quorum.voters'), list('controller.quorum.bootstrap.servers'));
  const logDirs = parsed.has('log.dirs') ? list('log.dirs') : [string('log.dir')!];
  if (logDirs.length === 0) throw ConfigError.invalidValue('log.dirs', '', 'At least one log directory must be defined via log.dirs or log.dir.');
  const clusterId = string('cluster.id');
  if (clusterId !== null && clusterId === '') throw ConfigError.invalidValue('cluster.id', '', 'the cluster id must not be empty');
  if (!list('group.coordinator.rebalance.protocols').includes('classic')) throw new ConfigError("Disabling the 'classic' protocol is not supported.");

  const config: BrokerConfig = {
    nodeId,
    processRoles,
    rack: string('broker.rack'),
    listeners,
    advertisedListeners,
    interBrokerListenerName,
    controllerListenerNames,
    quorumVoters,
    clusterId: clusterId ?? undefined,
    logDirs,
    metadataLogDir: string('metadata.log.dir') ?? logDirs[0]!,
    numPartitions: number('num.partitions'),
    defaultReplicationFactor: number('default.replication.factor'),
    autoCreateTopicsEnable: bool('auto.create.topics.enable'),
    deleteTopicEnable: bool('delete.topic.enable'),
    socketRequestMaxBytes: number('socket.request.max.bytes'),
    connectionsMaxIdleMs: number('connections.max.idle.ms'),
    fetchMaxBytes: number('fetch.max.bytes'),
    fetchSessionCacheSlots: number('max.incremental.fetch.session.cache.slots'),
    offsetsTopicReplicationFactor: number('offsets.topic.replication.factor'),
    offsetsTopicNumPartitions: number('offsets.topic.num.partitions'),
    offsetsTopicSegmentBytes: number('offsets.topic.segment.bytes'),
    offsetMetadataMaxBytes: number('offset.metadata.max.bytes'),
    transactionStateLogReplicationFactor: number('transaction.state.log.replication.factor'),
    transactionStateLogNumPartitions: number('transaction.state.log.num.partitions'),
    transactionStateLogMinIsr: number('transaction.state.log.min.isr'),
    transactionStateLogSegmentBytes: number('transaction.state.log.segment.bytes'),
    transactionMaxTimeoutMs: number('transaction.max.timeout.ms'),
    transactionAbortTimedOutIntervalMs: number('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    groupInitialRebalanceDelayMs: number('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: number('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: number('group.max.session.timeout.ms'),
    groupMaxSize: number('group.max.size'),
    groupConsumerSessionTimeoutMs: number('group.consumer.session.timeout.ms'),
    groupConsumerHeartbeatIntervalMs: number('group.consumer.heartbeat.interval.ms'),
    groupConsumerMaxSize: number('group.consumer.max.size'),
    groupConsumerAssignors: list('group.consumer.assignors'),
    groupCoordinatorRebalanceProtocols: list('group.coordinator.rebalance.protocols'),
    groupConsumerMigrationPolicy: string('group.consumer.migration.policy')!.toLowerCase() as MigrationPolicy,
    replicaLagTimeMaxMs: number('replica.lag.time.max.ms'),
    logRetentionCheckIntervalMs: number('log.retention.check.interval.ms'),
    logInitialTaskDelayMs: number('log.initial.task.delay.ms'),
    brokerSessionTimeoutMs: number('broker.session.timeout.ms'),
    brokerHeartbeatIntervalMs: number('broker.heartbeat.interval.ms'),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
    replicaFetchMaxBytes: number('replica.fetch.max.bytes'),
    replicaFetchWaitMaxMs: number('replica.fetch.wait.max.ms'),
    raft: {
      electionTimeoutMs: number('controller.quorum.election.timeout.ms'),
      fetchTimeoutMs: number('controller.quorum.fetch.timeout.ms'),
      electionBackoffMaxMs: number('controller.quorum.election.backoff.max.ms'),
      fetchMaxWaitMs: 500,
      retryBackoffMs: number('controller.quorum.retry.backoff.ms'),
      fetchMaxBytes: 8 * 1024 * 1024,
      requestTimeoutMs: number('controller.quorum.request.timeout.ms'),
      resumeStoredLeadership: bool('broker.ts.bug.raft.resumes.leadership'),
    },
    bugs: {
      ackBeforeReplication: bool('broker.ts.bug.ack.before.replication'),
      electAnyReplica: bool('broker.ts.bug.elect.any.replica'),
      skipTruncation: bool('broker.ts.bug.skip.truncation'),
      fetchSkipsBatch: bool('broker.ts.bug.fetch.skips.batch'),
      skipDedupe: bool('broker.ts.bug.skip.dedupe'),
      fetchOmitsAborted: bool('broker.ts.bug.fetch.omits.aborted'),
      hwIgnoresMinIsr: bool('broker.ts.bug.hw.ignores.min.isr'),
      groupSkipsRevocation: bool('broker.ts.bug.group.skips.revocation'),
    },
    listenerSecurity,
    saslMechanismInterBrokerProtocol,
    saslMechanismControllerProtocol,
    saslServerMaxReceiveSize: number('sasl.server.max.receive.size'),
    connectionFailedAuthenticationDelayMs: number('connection.failed.authentication.delay.ms'),
    connectionLimits: resolveConnectionLimits(listeners, listenerValue, string('max.connections.per.ip.overrides') ?? ''),
    staticValues,
  };
  return { config, warnings, notApplied };
}

/** Every broker key broker-ts knows with its effective static value, for the start-up log. */
export function describeStaticConfig(config: BrokerConfig): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const key of [...BROKER_CONFIG_KEYS, ...BROKER_TS_ONLY_KEYS]) {
    if (key.sensitive) continue;
    out[key.name] = config.staticValues.get(key.name) ?? key.defaultValue;
  }
  return out;
}

function resolveNodeId(parsed: ReadonlyMap<string, ConfigValue>): number {
  const nodeId = parsed.get('node.id') as number | undefined;
  const brokerId = parsed.get('broker.id') as number | undefined;
  if (nodeId !== undefined && brokerId !== undefined && brokerId !== -1 && nodeId !== brokerId) {
    throw ConfigError.invalidValue('broker.id', String(brokerId), `broker.id must equal node.id ${nodeId}`);
  }
  const id = nodeId ?? brokerId;
  if (id === undefined || id < 0) {
    throw new ConfigError('Missing required configuration "node.id" which has no default value.');
  }
  return id;
}

function checkProcessRoles(roles: readonly string[]): ProcessRole[] {
  const unique = [...new Set(roles)] as ProcessRole[];
  if (unique.length !== roles.length) {
    throw ConfigError.invalidValue('process.roles', roles.join(','), 'Duplicate role names found in `process.roles`');
  }
  if (unique.length === 0) {
    throw ConfigError.invalidValue('process.roles', '', 'broker-ts runs in KRaft mode only: set process.roles=broker,controller');
  }
  if (!(unique.includes('broker') && unique.includes('controller'))) {
    throw ConfigError.invalidValue(
      'process.roles',
      roles.join(','),
      'broker-ts runs combined nodes only (process.roles=broker,controller); separate brokers and controllers come with replication (issue 4)',
    );
  }
  return unique;
}

function checkControllerListeners(names: readonly string[], listeners: readonly Endpoint[]): void {
  if (names.length === 0) {
    throw ConfigError.invalidValue('controller.listener.names', '', 'controller.listener.names must contain at least one value when running KRaft');
  }
  for (const name of names) {
    if (!listeners.some((l) => l.name === name)) {
      throw ConfigError.invalidValue(
        'controller.listener.names',
        names.join(','),
        `controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role: ${name} is not a listener`,
      );
    }
  }
  if (listeners.every((l) => names.includes(l.name))) {
    throw ConfigError.invalidValue(
      'listeners',
      listeners.map((l) => l.name).join(','),
      'the broker role needs at least one listener that is not a controller listener',
    );
  }
}

function resolveAdvertisedListeners(parsed: ReadonlyMap<string, ConfigValue>, listeners: readonly Endpoint[], controllerNames: readonly string[]): Endpoint[] {
  const given = parsed.get('advertised.listeners') as readonly string[] | undefined;
  const advertised = given === undefined ? listeners.filter((l) => !controllerNames.includes(l.name)) : parseEndpoints('advertised.listeners', given);
  for (const endpoint of advertised) {
    if (!listeners.some((l) => l.name === endpoint.name)) {
      throw ConfigError.invalidValue(
        'advertised.listeners',
        (given ?? []).join(','),
        `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners: ${endpoint.name} is not a listener`,
      );
    }
  }
  // Kafka advertises the canonical host name for a listener bound to every interface.
  return advertised.map((endpoint) => (endpoint.host === '' || endpoint.host === '0.0.0.0' ? { ...endpoint, host: hostname() } : endpoint));
}

function resolveInterBrokerListener(parsed: ReadonlyMap<string, ConfigValue>, advertised: readonly Endpoint[]): string {
  const name = parsed.get('inter.broker.listener.name') as string | undefined;
  const protocol = parsed.get('security.inter.broker.protocol') as string | undefined;
  if (name !== undefined && protocol !== undefined) {
    throw ConfigError.invalidValue(
      'inter.broker.listener.name',
      name,
      'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.',
    );
  }
  const listenerName = (name ?? protocol ?? 'PLAINTEXT').toUpperCase();
  if (!advertised.some((l) => l.name === listenerName)) {
    throw ConfigError.invalidValue(
      'inter.broker.listener.name',
      listenerName,
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${advertised.map((l) => l.name).join(',')}`,
    );
  }
  return listenerName;
}

function checkQuorum(nodeId: number, voterItems: readonly string[], bootstrapServers: readonly string[]): QuorumVoter[] {
  if (voterItems.length === 0) {
    if (bootstrapServers.length > 0) {
      throw ConfigError.invalidValue(
        'controller.quorum.bootstrap.servers',
        bootstrapServers.join(','),
        'broker-ts does not support dynamic quorums yet: list the voters in controller.quorum.voters',
      );
    }
    throw ConfigError.invalidValue('controller.quorum.voters', '', 'controller.quorum.voters must contain a parseable set of voters (id@host:port)');
  }
  const voters = parseQuorumVoters(voterItems);
  if (new Set(voters.map((v) => v.id)).size !== voters.length) {
    throw ConfigError.invalidValue('controller.quorum.voters', voterItems.join(','), 'a voter id appears twice');
  }
  if (!voters.some((v) => v.id === nodeId)) {
    throw ConfigError.invalidValue(
      'controller.quorum.voters',
      voterItems.join(','),
      `this node (node.id ${nodeId}) must be one of the voters, since broker-ts runs combined broker and controller nodes`,
    );
  }
  return voters;
}
