// One broker-ts node, broker and controller in one process (KRaft combined mode): wires the
// metadata log, the metadata quorum and the controller, the image built from committed records,
// the logs and partitions (with their replication), the group and transaction coordinators and the listeners,
// starts them in order and stops them cleanly.
//
// Start-up: meta.properties -> open the metadata log and the partition logs (recovering them after
// a crash) -> bind the listeners -> join the metadata quorum (controller listeners serve from now
// on) -> apply committed metadata as the quorum commits it (taking up the partitions it places
// here) -> register with the active controller -> once unfenced, serve the broker listeners.
// Shutdown: controlled shutdown (leadership moves off this broker) -> stop listening -> hand over
// quorum leadership -> flush and close every log.
import type { BrokerConfig } from './config/broker-config.js';
import { ConfigResolver } from './config/config-resolver.js';
import type { Endpoint } from './config/listeners.js';
import { BrokerLifecycle } from './metadata/broker-lifecycle.js';
import { takePreviousBrokerEpoch, writeCleanShutdown } from './metadata/clean-shutdown-file.js';
import { Controller } from './metadata/controller.js';
import { ControllerChannel } from './metadata/controller-channel.js';
import type { ControllerClient } from './metadata/controller-client.js';
import { ensureMetaProperties } from './metadata/meta-properties.js';
import { MetadataImage } from './metadata/metadata-image.js';
import type { MetadataDelta } from './metadata/metadata-image.js';
import { MetadataLoader } from './metadata/metadata-loader.js';
import { METADATA_TOPIC, MetadataLog } from './metadata/metadata-log.js';
import { MetadataQuorum } from './metadata/metadata-quorum.js';
import { ReplicaManager } from './replication/replica-manager.js';
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from './metadata/topic-names.js';
import { SECURITY_PROTOCOL_IDS } from './metadata/metadata-records.js';
import { serverAssignors } from './group/assignors/server-assignors.js';
import { GroupCoordinator } from './group/group-coordinator.js';
import { CoordinatorLog } from './coordinator/coordinator-log.js';
import { TransactionCoordinator } from './txn/transaction-coordinator.js';
import { TxnMarkerChannel, appendTxnMarker } from './txn/txn-markers.js';
import { BROKER_API_HANDLERS, CONTROLLER_API_HANDLERS } from './handlers/api-table.js';
import type { Logger } from './logging/logger.js';
import { ProducerIdManager } from './producer/producer-id-manager.js';
import { RaftDriver } from './raft/raft-driver.js';
import { controllerClientSecurity } from './security/client-security.js';
import { ApiDispatcher } from './server/api-dispatcher.js';
import type { AdvertisedVersion, BrokerServices } from './server/broker-services.js';
import { FetchSessionCache } from './server/fetch-session-cache.js';
import { SocketServer, socketServerOptions } from './server/socket-server.js';
import type { BoundListener } from './server/socket-server.js';
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { LogManager } from './storage/index.js';

/** What __consumer_offsets is created with, as Kafka's group coordinator asks for it. */
const OFFSETS_TOPIC_CONFIGS = (segmentBytes: number) => [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'compression.type', value: 'producer' },
  { name: 'segment.bytes', value: String(segmentBytes) },
];

/** What __transaction_state is created with, as Kafka's transaction state manager asks for it. */
const TRANSACTION_STATE_TOPIC_CONFIGS = (segmentBytes: number, minIsr: number) => [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'compression.type', value: 'uncompressed' },
  { name: 'min.insync.replicas', value: String(minIsr) },
  { name: 'segment.bytes', value: String(segmentBytes) },
  { name: 'unclean.leader.election.enable', value: 'false' },
];

/** How long a coordinator waits for its own records to be replicated (Kafka's offsets.commit.timeout.ms default). */
const COORDINATOR_WRITE_TIMEOUT_MS = 5000;

/** How often the active controller checks broker leases and leaderless partitions. */
const CONTROLLER_TICK_MS = 100;
/** How long a graceful stop waits for the controller to move leadership away. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 5000;

/** What one node is made of, built in dependency order by Broker.start. */
interface BrokerParts {
  config: BrokerConfig;
  clusterId: string;
  logger: Logger;
  image: MetadataImage;
  metadataLog: MetadataLog;
  configs: ConfigResolver;
  raft: RaftDriver;
  quorum: MetadataQuorum;
  controller: Controller;
  controllerChannel: ControllerChannel;
  lifecycle: BrokerLifecycle;
  replicas: ReplicaManager;
  groups: GroupCoordinator;
  txns: TransactionCoordinator;
  txnMarkers: TxnMarkerChannel;
  producerIds: ProducerIdManager;
  dispatcher: ApiDispatcher;
  server: SocketServer;
}

export class Broker implements BrokerServices {
  readonly nodeId: number;
  readonly config: BrokerConfig;
  readonly clusterId: string;
  readonly logger: Logger;
  readonly image: MetadataImage;
  readonly configs: ConfigResolver;
  readonly raft: RaftDriver;
  readonly quorum: MetadataQuorum;
  readonly controller: Controller;
  readonly controllerChannel: ControllerChannel;
  readonly lifecycle: BrokerLifecycle;
  readonly replicas: ReplicaManager;
  readonly groups: GroupCoordinator;
  readonly txns: TransactionCoordinator;
  readonly producerIds: ProducerIdManager;
  readonly fetchSessions: FetchSessionCache;
  private readonly metadataLog: MetadataLog;
  private readonly txnMarkers: TxnMarkerChannel;
  private readonly dispatcher: ApiDispatcher;
  private readonly server: SocketServer;
  private readonly autoCreating = new Set<string>();
  private stopping: Promise<void> | undefined;
  private controllerTimer: NodeJS.Timeout | undefined;

  private constructor(parts: BrokerParts) {
    this.nodeId = parts.config.nodeId;
    this.config = parts.config;
    this.clusterId = parts.clusterId;
    this.logger = parts.logger;
    this.image = parts.image;
    this.configs = parts.configs;
    this.raft = parts.raft;
    this.quorum = parts.quorum;
    this.controller = parts.controller;
    this.controllerChannel = parts.controllerChannel;
    this.lifecycle = parts.lifecycle;
    this.replicas = parts.replicas;
    this.groups = parts.groups;
    this.txns = parts.txns;
    this.producerIds = parts.producerIds;
    this.metadataLog = parts.metadataLog;
    this.txnMarkers = parts.txnMarkers;
    this.dispatcher = parts.dispatcher;
    this.server = parts.server;
    this.fetchSessions = new FetchSessionCache(parts.config.fetchSessionCacheSlots);
  }

  get brokerEpoch(): bigint {
    return this.lifecycle.brokerEpoch;
  }

  static async start(config: BrokerConfig, logger: Logger): Promise<Broker> {
    const clusterId = ensureMetaProperties([...new Set([config.metadataLogDir, ...config.logDirs])], config.nodeId, config.clusterId);
    logger.info({ clusterId, nodeId: config.nodeId, logDirs: config.logDirs, voters: config.quorumVoters.map((v) => v.id) }, 'starting broker-ts');

    const metadataLog = await MetadataLog.open(config.metadataLogDir, logger);
    const image = new MetadataImage();
    const configs = new ConfigResolver(config.staticValues, {
      node: () => image.brokerConfigs(String(config.nodeId)),
      clusterDefault: () => image.brokerConfigs(''),
    });
    const logs = await LogManager.open({
      logDirs: config.logDirs,
      excludeTopics: [METADATA_TOPIC],
      topicConfig: (topic) => configs.logConfig(image.topicConfigs(topic)),
      onBackgroundError: (error) => logger.error({ err: error }, 'log background failure'),
      onLogDirFailure: (dir, error, remaining) => {
        logger.error({ err: error, logDir: dir }, `Stopped serving replicas in dir ${dir}: its partitions answer KAFKA_STORAGE_ERROR`);
        if (remaining > 0) return;
        // As Kafka halts: with no log dir left there is nothing to serve, and nothing more to flush.
        logger.fatal(`Shutdown broker because all log dirs in ${config.logDirs.join(', ')} have failed`);
        process.exit(1);
      },
    });

    // The metadata quorum, the controller and the way to it.
    const loader = new MetadataLoader(image, metadataLog, logger.child({ component: 'metadata-loader' }));
    let quorum: MetadataQuorum | undefined;
    let controller: Controller | undefined;
    const raft = new RaftDriver({
      nodeId: config.nodeId,
      clusterId,
      voters: config.quorumVoters,
      log: metadataLog,
      config: config.raft,
      requestTimeoutMs: config.raft.requestTimeoutMs,
      clientSecurity: controllerClientSecurity(config),
      logger: logger.child({ component: 'raft' }),
      onCommit: (highWatermark) => loader.onCommit(highWatermark),
      onStateChange: () => {
        controller?.onQuorumChange();
        quorum?.notify();
      },
    });
    quorum = new MetadataQuorum(raft, loader, metadataLog);
    controller = new Controller(
      image,
      quorum,
      {
        nodeId: config.nodeId,
        numPartitions: config.numPartitions,
        defaultReplicationFactor: config.defaultReplicationFactor,
        deleteTopicEnable: config.deleteTopicEnable,
        brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
        electAnyReplica: config.bugs.electAnyReplica,
      },
      configs,
      logger.child({ component: 'controller' }),
    );
    const dispatcher = new ApiDispatcher(BROKER_API_HANDLERS, CONTROLLER_API_HANDLERS, config.controllerListenerNames, logger);
    const controllerChannel = new ControllerChannel(
      config.nodeId,
      config.quorumVoters,
      quorum,
      (apiKey, version, body) => dispatcher.dispatchLocally(apiKey, version, body),
      controllerClientSecurity(config),
      logger,
    );
    const lifecycle = new BrokerLifecycle(
      {
        nodeId: config.nodeId,
        clusterId,
        rack: config.rack,
        heartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
        // Taken once the logs are open: from here on a crash is a crash.
        previousBrokerEpoch: takePreviousBrokerEpoch(config.logDirs),
      },
      controllerChannel,
      image,
      logger.child({ component: 'broker-lifecycle' }),
    );
    const toController: ControllerClient = {
      send: (apiKey, version, body, timeoutMs) => controllerChannel.send(apiKey, version, body, timeoutMs),
      get brokerEpoch() {
        return lifecycle.brokerEpoch;
      },
    };

    // The partitions and the coordinators that keep their state in them.
    const replicas = new ReplicaManager(config, logs, image, configs, toController, logger.child({ component: 'replica-manager' }));
    const groups = new GroupCoordinator(
      {
        offsetsTopicPartitions: config.offsetsTopicNumPartitions,
        initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
        maxGroupSize: config.groupMaxSize,
        offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
        consumer: {
          sessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
          heartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
          maxSize: config.groupConsumerMaxSize,
          assignors: serverAssignors(config.groupConsumerAssignors),
          migrationPolicy: config.groupConsumerMigrationPolicy,
          classicGroupMaxSize: config.groupMaxSize,
          skipsRevocation: config.bugs.groupSkipsRevocation,
        },
      },
      new CoordinatorLog(replicas, CONSUMER_OFFSETS_TOPIC, COORDINATOR_WRITE_TIMEOUT_MS),
      {
        topic: (name) => {
          const topic = image.topic(name);
          return topic === undefined ? undefined : { id: topic.id, partitionCount: topic.partitions.size };
        },
        topicName: (id) => image.topicById(id)?.name,
        names: () => [...image.topics()].map((t) => t.name),
      },
      logger.child({ component: 'group-coordinator' }),
    );
    const producerIds = new ProducerIdManager(config.nodeId, toController);
    const markerWriter = { image, replicas, groups, logger };
    const txnMarkers = new TxnMarkerChannel({
      nodeId: config.nodeId,
      config,
      image,
      logger,
      appendLocally: (topic, index, marker) => appendTxnMarker(markerWriter, topic, index, marker),
    });
    const txns = new TransactionCoordinator(
      {
        transactionStatePartitions: config.transactionStateLogNumPartitions,
        maxTimeoutMs: config.transactionMaxTimeoutMs,
        abortTimedOutIntervalMs: config.transactionAbortTimedOutIntervalMs,
      },
      new CoordinatorLog(replicas, TRANSACTION_STATE_TOPIC, COORDINATOR_WRITE_TIMEOUT_MS),
      txnMarkers,
      () => producerIds.generateProducerId(),
      logger.child({ component: 'transaction-coordinator' }),
    );
    txns.partitionExists = (tp) => image.partition(tp.topic, tp.partition) !== undefined;
    replicas.onLeadershipChange((partition, leading) => {
      if (partition.topic === CONSUMER_OFFSETS_TOPIC) groups.onLeadershipChange(partition, leading);
      if (partition.topic === TRANSACTION_STATE_TOPIC) txns.onLeadershipChange(partition, leading);
    });
    loader.addPublisher(async (delta: MetadataDelta) => {
      await replicas.applyDelta(delta);
      if (delta.deletedTopics.length > 0) await groups.onTopicsDeleted(new Set(delta.deletedTopics.map((t) => t.name)));
    });
    loader.onApplied(() => {
      controller.onQuorumChange();
      quorum.notify();
      lifecycle.onMetadataApplied();
    });

    const server = new SocketServer(dispatcher, socketServerOptions(config), logger);
    const broker = new Broker({
      config,
      clusterId,
      logger,
      image,
      metadataLog,
      configs,
      raft,
      quorum,
      controller,
      controllerChannel,
      lifecycle,
      replicas,
      groups,
      txns,
      txnMarkers,
      producerIds,
      dispatcher,
      server,
    });
    try {
      const bound = await server.bind(config.listeners);
      const advertised = resolveBoundPorts(config.advertisedListeners, bound);
      dispatcher.openControllerListeners(broker);
      raft.start();
      txns.start();
      broker.controllerTimer = setInterval(() => void controller.tick().catch(() => undefined), CONTROLLER_TICK_MS);
      lifecycle.start(
        advertised.map((e) => ({
          ...e,
          securityProtocol: SECURITY_PROTOCOL_IDS[config.listenerSecurity.get(e.name)?.protocol ?? 'PLAINTEXT'] ?? 0,
        })),
      );
      await lifecycle.whenUnfenced();
      await replicas.deleteStrayLogs();
      dispatcher.open(broker);
      logger.info({ brokerEpoch: broker.brokerEpoch, listeners: bound, advertised }, 'broker-ts is ready');
      return broker;
    } catch (error) {
      await broker.shutdown().catch(() => undefined);
      throw error;
    }
  }

  /** The listeners as bound (port 0 resolved). */
  listeners(): readonly BoundListener[] {
    return this.server.listeners();
  }

  advertisedVersions(listenerName: string): readonly AdvertisedVersion[] {
    return this.dispatcher.advertisedVersions(listenerName);
  }

  async ensureInternalTopic(name: string): Promise<void> {
    if (this.image.topic(name) !== undefined) return;
    const config = this.config;
    const spec =
      name === TRANSACTION_STATE_TOPIC
        ? {
            numPartitions: config.transactionStateLogNumPartitions,
            replicationFactor: config.transactionStateLogReplicationFactor,
            configs: TRANSACTION_STATE_TOPIC_CONFIGS(config.transactionStateLogSegmentBytes, config.transactionStateLogMinIsr),
          }
        : {
            numPartitions: config.offsetsTopicNumPartitions,
            replicationFactor: config.offsetsTopicReplicationFactor,
            configs: OFFSETS_TOPIC_CONFIGS(config.offsetsTopicSegmentBytes),
          };
    // As in Kafka, the replication factor is not lowered to fit: too few brokers, no coordinator.
    const response = await this.controllerChannel.send(
      ApiKey.CreateTopics,
      7,
      { topics: [{ name, ...spec, assignments: [] }], timeoutMs: 30_000, validateOnly: false },
      30_000,
    );
    const result = response.topics[0];
    if (result !== undefined && result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new Error(`creating ${name} failed: ${result.errorMessage ?? result.errorCode}`);
    }
    await this.quorum.waitFor(() => this.image.topic(name) !== undefined, 10_000);
  }

  autoCreateTopic(name: string): boolean {
    if (this.autoCreating.has(name)) return false;
    this.autoCreating.add(name);
    const creation =
      name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC
        ? this.ensureInternalTopic(name)
        : this.controllerChannel
            .send(
              ApiKey.CreateTopics,
              7,
              { topics: [{ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false },
              30_000,
            )
            .then((response) => {
              const result = response.topics[0];
              if (result !== undefined && result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
                this.logger.warn({ topic: name, error: result.errorMessage }, 'auto topic creation failed');
              }
            });
    creation.catch((error) => this.logger.warn({ err: error, topic: name }, 'auto topic creation failed')).finally(() => this.autoCreating.delete(name));
    return true;
  }

  /** Clean shutdown: controlled shutdown, stop listening, hand over quorum leadership, flush and close every log. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down');
      if (this.config.quorumVoters.length > 1) {
        await this.lifecycle.controlledShutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
      }
      this.lifecycle.stop();
      if (this.controllerTimer !== undefined) clearInterval(this.controllerTimer);
      await this.server.close();
      this.raft.shutdown();
      this.controllerChannel.close();
      this.groups.shutdown();
      this.txns.shutdown();
      this.txnMarkers.close();
      await this.controller.drain();
      await this.replicas.shutdown();
      await this.metadataLog.close();
      try {
        // Only where the logs are whole: a dir taken offline makes the next start an unclean one.
        writeCleanShutdown(this.replicas.onlineLogDirs(), this.lifecycle.brokerEpoch);
      } catch (error) {
        this.logger.warn({ err: error }, 'could not record the clean shutdown: the next start counts as after a crash');
      }
      this.logger.info('shut down cleanly');
    })();
    return this.stopping;
  }
}

/** Advertised listeners configured with port 0 take the port their listener was bound to. */
function resolveBoundPorts(advertised: readonly Endpoint[], bound: readonly BoundListener[]): Endpoint[] {
  return advertised.map((endpoint) => {
    if (endpoint.port !== 0) return endpoint;
    const listener = bound.find((b) => b.name === endpoint.name);
    return listener === undefined ? endpoint : { ...endpoint, port: listener.port };
  });
}
