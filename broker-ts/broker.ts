// One broker-ts node: wires the metadata log and image, the controller, the logs and partitions,
// the group coordinator and the listeners, starts them in order and stops them cleanly.
//
// Start-up: meta.properties -> replay the metadata log into the image -> open the partition logs
// (recovering them after a crash) -> take up the partitions the image places here (which loads the
// groups of __consumer_offsets) -> bind the listeners -> register this broker (a RegisterBroker
// record, a new broker epoch) -> serve.
import type { BrokerConfig } from './config/broker-config.js';
import { ConfigResolver } from './config/config-resolver.js';
import type { Endpoint } from './config/listeners.js';
import { Controller } from './cluster/controller.js';
import { ensureMetaProperties } from './cluster/meta-properties.js';
import { MetadataImage } from './cluster/metadata-image.js';
import type { MetadataDelta } from './cluster/metadata-image.js';
import { METADATA_TOPIC, MetadataLog } from './cluster/metadata-log.js';
import { ReplicaManager } from './cluster/replica-manager.js';
import { CONSUMER_OFFSETS_TOPIC } from './cluster/topic-names.js';
import { GroupCoordinator } from './group/group-coordinator.js';
import { GroupLog } from './group/group-log.js';
import { BROKER_API_HANDLERS, CONTROLLER_API_HANDLERS } from './handlers/api-table.js';
import type { Logger } from './logging/logger.js';
import { ProducerIdManager } from './producer/producer-id-manager.js';
import { ApiDispatcher } from './server/api-dispatcher.js';
import type { AdvertisedVersion, BrokerServices } from './server/broker-services.js';
import { FetchSessionCache } from './server/fetch-session-cache.js';
import { SocketServer } from './server/socket-server.js';
import type { BoundListener } from './server/socket-server.js';
import { ErrorCode } from './protocol/index.js';
import { LogManager } from './storage/index.js';

/** What __consumer_offsets is created with, as Kafka's group coordinator asks for it. */
const OFFSETS_TOPIC_CONFIGS = (segmentBytes: number) =>
  new Map([
    ['cleanup.policy', 'compact'],
    ['compression.type', 'producer'],
    ['segment.bytes', String(segmentBytes)],
  ]);

export class Broker implements BrokerServices {
  readonly nodeId: number;
  readonly fetchSessions: FetchSessionCache;
  private brokerEpoch = -1n;
  private readonly autoCreating = new Set<string>();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: BrokerConfig,
    readonly clusterId: string,
    readonly logger: Logger,
    readonly image: MetadataImage,
    private readonly metadataLog: MetadataLog,
    readonly configs: ConfigResolver,
    readonly controller: Controller,
    readonly replicas: ReplicaManager,
    readonly groups: GroupCoordinator,
    readonly producerIds: ProducerIdManager,
    private readonly dispatcher: ApiDispatcher,
    private readonly server: SocketServer,
  ) {
    this.nodeId = config.nodeId;
    this.fetchSessions = new FetchSessionCache(config.fetchSessionCacheSlots);
  }

  static async start(config: BrokerConfig, logger: Logger): Promise<Broker> {
    const clusterId = ensureMetaProperties([...new Set([config.metadataLogDir, ...config.logDirs])], config.nodeId, config.clusterId);
    logger.info({ clusterId, nodeId: config.nodeId, logDirs: config.logDirs }, 'starting broker-ts');

    const metadataLog = await MetadataLog.open(config.metadataLogDir, logger);
    const image = new MetadataImage();
    Controller.replay(image, metadataLog);
    logger.info({ offset: image.offset, topics: [...image.topics()].length, epoch: metadataLog.epoch }, 'replayed the metadata log');

    const configs = new ConfigResolver(config.staticValues, {
      node: () => image.brokerConfigs(String(config.nodeId)),
      clusterDefault: () => image.brokerConfigs(''),
    });
    const logs = await LogManager.open({
      logDirs: config.logDirs,
      excludeTopics: [METADATA_TOPIC],
      topicConfig: (topic) => configs.logConfig(image.topicConfigs(topic)),
      onBackgroundError: (error) => logger.error({ err: error }, 'log background failure'),
    });
    const replicas = new ReplicaManager(config.nodeId, logs, image, configs, logger);
    const groupLog = new GroupLog(replicas, 5000);
    const groups = new GroupCoordinator(
      {
        offsetsTopicPartitions: image.topic(CONSUMER_OFFSETS_TOPIC)?.partitions.size ?? config.offsetsTopicNumPartitions,
        initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
        maxGroupSize: config.groupMaxSize,
        offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
      },
      groupLog,
      logger.child({ component: 'group-coordinator' }),
    );
    replicas.onLeadershipChange((partition, leading) => {
      if (partition.topic === CONSUMER_OFFSETS_TOPIC) groups.onLeadershipChange(partition, leading);
    });
    const publish = async (delta: MetadataDelta) => {
      await replicas.applyDelta(delta);
      if (delta.deletedTopics.length > 0) await groups.onTopicsDeleted(new Set(delta.deletedTopics.map((t) => t.name)));
    };
    const controller = new Controller(image, metadataLog, config, publish, logger.child({ component: 'controller' }));
    let broker: Broker | undefined;
    const producerIds = new ProducerIdManager(controller, () => broker!.brokerEpoch);
    const dispatcher = new ApiDispatcher(BROKER_API_HANDLERS, CONTROLLER_API_HANDLERS, config.controllerListenerNames, logger);
    const server = new SocketServer(dispatcher, { maxRequestBytes: config.socketRequestMaxBytes, idleTimeoutMs: config.connectionsMaxIdleMs }, logger);
    broker = new Broker(config, clusterId, logger, image, metadataLog, configs, controller, replicas, groups, producerIds, dispatcher, server);
    try {
      await replicas.loadFromImage();
      const bound = await server.bind(config.listeners);
      const advertised = resolveBoundPorts(config.advertisedListeners, bound);
      broker.brokerEpoch = await controller.registerBroker(advertised, config.rack);
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

  async ensureOffsetsTopic(): Promise<void> {
    if (this.image.topic(CONSUMER_OFFSETS_TOPIC) !== undefined) return;
    // As in Kafka, offsets.topic.replication.factor is not lowered to fit: too few brokers, no coordinator.
    await this.controller.ensureTopic(
      CONSUMER_OFFSETS_TOPIC,
      this.config.offsetsTopicNumPartitions,
      this.config.offsetsTopicReplicationFactor,
      OFFSETS_TOPIC_CONFIGS(this.config.offsetsTopicSegmentBytes),
    );
  }

  autoCreateTopic(name: string): boolean {
    if (this.autoCreating.has(name)) return false;
    this.autoCreating.add(name);
    const creation =
      name === CONSUMER_OFFSETS_TOPIC
        ? this.ensureOffsetsTopic()
        : this.controller.createTopics([{ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], false).then(([result]) => {
            if (result?.error !== undefined && result.error.code !== ErrorCode.TOPIC_ALREADY_EXISTS) this.logger.warn({ topic: name, error: result.error.message }, 'auto topic creation failed');
          });
    creation
      .catch((error) => this.logger.warn({ err: error, topic: name }, 'auto topic creation failed'))
      .finally(() => this.autoCreating.delete(name));
    return true;
  }

  /** Clean shutdown: stop listening, finish controller work, flush and close every log. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down');
      await this.server.close();
      this.groups.shutdown();
      await this.controller.drain();
      await this.replicas.shutdown();
      await this.metadataLog.close();
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
