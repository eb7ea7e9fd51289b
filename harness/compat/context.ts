import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Admin, Consumer, ConsumerConfig, Kafka, KafkaConfig, LogEntry, Producer, ProducerConfig } from 'kafkajs';
import type { ClusterObserver } from '../clients/observer.js';
import { errorMessage } from '../errors.js';
import { log, type Logger } from '../log.js';
import { provisionKafka, type KafkaInstall } from '../provision/kafka.js';
import type { Cluster } from '../runtime/cluster.js';
import { waitUntil } from './check.js';
import { installCodec, type PluggableCodec } from './codecs/codec.js';
import type { KafkajsRelease } from './kafkajs-versions.js';
import { ScenarioSkipped } from './outcomes.js';

export interface TopicSpec {
  partitions?: number;
  /** Default: min(3, nodes). */
  replicationFactor?: number;
  config?: Record<string, string>;
}

/** What a scenario runs against, shared by every scenario on one cluster. */
export interface ScenarioEnvironment {
  cluster: Cluster;
  /** Topic set-up through the harness listeners, so it does not depend on what is tested. */
  observer: ClusterObserver;
  kafkajs: KafkajsRelease;
  /** Kafka release whose tools jars the Java clients come from (default: the tested default release). */
  kafkaVersion?: string;
  /** Folder for this scenario's files (tool output); created on first use. */
  workDir: string;
}

type Cleanup = () => Promise<void> | void;

/** Timeouts short enough that a broker that does not answer fails a scenario in seconds. */
const CLIENT_DEFAULTS: Partial<KafkaConfig> = {
  connectionTimeout: 3000,
  requestTimeout: 15_000,
  retry: { retries: 6, initialRetryTime: 100, maxRetryTime: 2000 },
};

/** Group members that notice rebalances and departures within a second or two. */
const CONSUMER_DEFAULTS: Omit<ConsumerConfig, 'groupId'> = {
  sessionTimeout: 10_000,
  rebalanceTimeout: 15_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 250,
};

/**
 * Everything a scenario uses: clients of the kafkajs release under test pointed at the client
 * proxies, unique names, topics, and clean-up that runs however the scenario ends.
 */
export class ScenarioContext {
  readonly log: Logger;
  private readonly cleanups: Cleanup[] = [];
  private kafkaInstall: Promise<KafkaInstall> | undefined;

  constructor(
    readonly scenario: string,
    private readonly env: ScenarioEnvironment,
  ) {
    this.log = log.child({ scenario, kafkajs: env.kafkajs.version, broker: env.cluster.broker });
  }

  get cluster(): Cluster {
    return this.env.cluster;
  }

  get kafkajs(): KafkajsRelease {
    return this.env.kafkajs;
  }

  /** The harness's own view through listeners no fault touches (end offsets during a fault). */
  get observer(): ClusterObserver {
    return this.env.observer;
  }

  /** Replication factor that every cluster size can give: all nodes, up to 3. */
  get replicationFactor(): number {
    return Math.min(3, this.cluster.nodeIds().length);
  }

  /** A name no other scenario, kafkajs release or earlier run on this cluster uses. */
  name(what: string): string {
    const release = this.kafkajs.version.replace(/\./g, '_');
    return `${this.scenario}-${what}-${release}-${randomBytes(3).toString('hex')}`;
  }

  workDir(): string {
    mkdirSync(this.env.workDir, { recursive: true });
    return this.env.workDir;
  }

  bootstrapServers(): string[] {
    return this.cluster.bootstrapServers();
  }

  /** A kafkajs client of the release under test, through the client proxies. */
  client(extra: Partial<KafkaConfig> = {}): Kafka {
    const { Kafka, logLevel } = this.kafkajs.module;
    const scenarioLog = this.log;
    // kafkajs logs every retry at ERROR; scenarios judge outcomes themselves, so its lines are
    // debug output unless KAFKA_CHAOS_KAFKAJS_LOG asks for them.
    const loud = Boolean(process.env.KAFKA_CHAOS_KAFKAJS_LOG);
    const logCreator =
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        const method = loud && level <= logLevel.WARN ? 'warn' : 'debug';
        scenarioLog[method]({ kafkajs: namespace, ...rest }, message);
      };
    return new Kafka({
      clientId: `compat-${this.scenario}`,
      brokers: this.bootstrapServers(),
      logLevel: logLevel.INFO,
      logCreator,
      ...CLIENT_DEFAULTS,
      ...extra,
    });
  }

  async admin(extra: Partial<KafkaConfig> = {}): Promise<Admin> {
    const admin = this.client(extra).admin();
    this.onCleanup(() => admin.disconnect());
    await admin.connect();
    return admin;
  }

  async producer(config: ProducerConfig = {}, extra: Partial<KafkaConfig> = {}): Promise<Producer> {
    const producer = this.client(extra).producer(config);
    this.onCleanup(() => producer.disconnect());
    await producer.connect();
    return producer;
  }

  /** A connected consumer with quick group timings; `config` overrides them. */
  async consumer(config: ConsumerConfig, extra: Partial<KafkaConfig> = {}): Promise<Consumer> {
    const consumer = this.client(extra).consumer({ ...CONSUMER_DEFAULTS, ...config });
    this.onCleanup(() => consumer.disconnect());
    await consumer.connect();
    return consumer;
  }

  /** Creates a topic with a fresh name and waits for a leader and a full ISR on every partition. */
  async createTopic(what: string, spec: TopicSpec = {}): Promise<string> {
    const topic = this.name(what);
    const { observer } = this.env;
    await observer.createTopic(topic, spec.partitions ?? 1, spec.replicationFactor ?? this.replicationFactor, spec.config ?? {});
    // Metadata can name a leader a moment before that node serves the partition (Kafka answers
    // NOT_LEADER_OR_FOLLOWER meanwhile, which kafkajs's admin does not retry): ListOffsets on
    // every partition answering is what "ready" means here.
    await waitUntil(
      async () => (await observer.endOffsets(topic)).size === (spec.partitions ?? 1),
      15_000,
      `every partition of ${topic} to answer ListOffsets`,
    );
    return topic;
  }

  /** Registers a compression codec with the kafkajs release under test, or skips the scenario. */
  async requireCodec(codec: PluggableCodec): Promise<string> {
    const availability = await installCodec(this.kafkajs.module, codec);
    if (!availability.available) throw new ScenarioSkipped(availability.reason);
    return availability.source;
  }

  /** The Kafka jars (for Kafka's own Java clients), fetched once per version. */
  kafkaJars(): Promise<KafkaInstall> {
    this.kafkaInstall ??= provisionKafka(this.env.kafkaVersion);
    return this.kafkaInstall;
  }

  skip(reason: string): never {
    throw new ScenarioSkipped(reason);
  }

  /** Runs after the scenario, latest first, whether it passed, failed or timed out. */
  onCleanup(cleanup: Cleanup): void {
    this.cleanups.push(cleanup);
  }

  async cleanUp(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        this.log.debug({ err: errorMessage(err) }, 'clean-up step failed');
      }
    }
  }
}
