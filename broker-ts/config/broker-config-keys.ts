// The broker configuration keys broker-ts knows, with Kafka's names, types, defaults and limits
// (as Kafka 4.x's KafkaConfig defines them). Keys marked 'accepted' are Kafka keys broker-ts takes
// without acting on them, so a server.properties written for Kafka starts broker-ts unchanged.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigKey, ConfigType, Validator } from './config-key.js';
import { atLeast, listOf, oneOf, oneOfIgnoringCase } from './config-key.js';
import { MIGRATION_POLICIES } from '../group/migration-policy.js';

interface KeyOptions {
  dynamic?: boolean;
  sensitive?: boolean;
  validate?: Validator;
}

function applied(name: string, type: ConfigType, defaultValue: string | null, documentation: string, options: KeyOptions = {}): ConfigKey {
  return { name, type, defaultValue, documentation, support: 'applied', ...options };
}

function accepted(name: string, type: ConfigType, defaultValue: string | null, documentation: string, options: KeyOptions = {}): ConfigKey {
  return { name, type, defaultValue, documentation, support: 'accepted', ...options };
}

const LONG_MAX = '9223372036854775807';
const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** Where log.dir points when nothing is configured: like Kafka's /tmp/kafka-logs, under the system temp folder. */
export const DEFAULT_LOG_DIR = join(tmpdir(), 'broker-ts-logs');

export const BROKER_CONFIG_KEYS: readonly ConfigKey[] = [
  // Node identity and roles
  applied('node.id', 'int', '-1', 'The node ID associated with the roles this process is playing when process.roles is non-empty.'),
  applied('broker.id', 'int', '-1', 'The broker id for this server; in KRaft mode it must equal node.id when both are set.'),
  applied('process.roles', 'list', '', 'The roles that this process plays: broker, controller, or both (broker-ts runs combined nodes).', {
    validate: listOf('broker', 'controller'),
  }),
  applied('broker.rack', 'string', null, 'Rack of the broker, returned in Metadata and DescribeCluster.'),

  // Listeners
  applied('listeners', 'list', 'PLAINTEXT://:9092', 'Comma-separated list of NAME://host:port the server listens on.', { dynamic: true }),
  applied('advertised.listeners', 'list', null, 'Listeners published for clients to use, if different from listeners.'),
  applied(
    'listener.security.protocol.map',
    'string',
    'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'Map between listener names and security protocols: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.',
    { dynamic: true },
  ),
  applied('inter.broker.listener.name', 'string', null, 'Name of the listener used for communication between brokers.'),
  applied('security.inter.broker.protocol', 'string', 'PLAINTEXT', 'Security protocol used to communicate between brokers.', {
    validate: oneOf(...SECURITY_PROTOCOLS),
  }),
  applied('controller.listener.names', 'list', null, 'Names of the listeners used by the controller.'),
  applied('controller.quorum.voters', 'list', '', 'Map of id/endpoint information for the set of voters: id@host:port,...'),
  applied('controller.quorum.bootstrap.servers', 'list', '', 'Bootstrap controllers of a dynamic quorum (not supported by broker-ts yet).'),

  // Security (KIP-43, KIP-84, KIP-103): per listener with the prefix listener.name.<listener>.
  applied('sasl.enabled.mechanisms', 'list', 'GSSAPI', 'The SASL mechanisms enabled on SASL listeners (broker-ts: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).', {
    dynamic: true,
  }),
  applied('sasl.mechanism.inter.broker.protocol', 'string', 'GSSAPI', 'SASL mechanism used for inter-broker communication.', { dynamic: true }),
  applied('sasl.mechanism.controller.protocol', 'string', 'GSSAPI', 'SASL mechanism used for communication with controllers.'),
  applied('sasl.jaas.config', 'password', null, 'JAAS login context parameters for SASL connections in the format used by JAAS configuration files.', {
    dynamic: true,
    sensitive: true,
  }),
  applied('sasl.server.max.receive.size', 'int', '524288', 'The maximum receive size allowed before and during initial SASL authentication.'),
  applied('connection.failed.authentication.delay.ms', 'int', '100', 'Connection close delay on failed authentication.', { validate: atLeast(0) }),
  accepted(
    'connections.max.reauth.ms',
    'long',
    '0',
    'When positive, the session lifetime after which SASL clients must re-authenticate (not enforced by broker-ts).',
  ),
  applied('ssl.keystore.type', 'string', 'JKS', 'The file format of the key store file (broker-ts: PEM).', { dynamic: true }),
  applied('ssl.keystore.location', 'string', null, 'The location of the key store file: for PEM, the private key and the certificate chain.', {
    dynamic: true,
  }),
  applied('ssl.keystore.password', 'password', null, 'The store password for the key store file (not used with PEM files).', {
    dynamic: true,
    sensitive: true,
  }),
  applied('ssl.key.password', 'password', null, 'The password of the private key in the key store file or ssl.keystore.key.', {
    dynamic: true,
    sensitive: true,
  }),
  applied('ssl.keystore.key', 'password', null, 'Private key in PEM format, with ssl.keystore.certificate.chain.', { dynamic: true, sensitive: true }),
  applied('ssl.keystore.certificate.chain', 'password', null, 'Certificate chain in PEM format, with ssl.keystore.key.', { dynamic: true, sensitive: true }),
  applied('ssl.truststore.type', 'string', 'JKS', 'The file format of the trust store file (broker-ts: PEM).', { dynamic: true }),
  applied('ssl.truststore.location', 'string', null, 'The location of the trust store file: for PEM, the trusted certificates.', { dynamic: true }),
  applied('ssl.truststore.password', 'password', null, 'The password for the trust store file (not used with PEM files).', { dynamic: true, sensitive: true }),
  applied('ssl.truststore.certificates', 'password', null, 'Trusted certificates in PEM format.', { dynamic: true, sensitive: true }),
  applied('ssl.client.auth', 'string', 'none', 'Whether the broker requires (required), asks for (requested) or ignores (none) client certificates.', {
    dynamic: true,
    validate: oneOf('required', 'requested', 'none'),
  }),
  applied('ssl.enabled.protocols', 'list', 'TLSv1.2,TLSv1.3', 'The list of protocols enabled for SSL connections.', { dynamic: true }),
  applied(
    'ssl.endpoint.identification.algorithm',
    'string',
    'https',
    'The endpoint identification algorithm to validate server hostname using server certificate (empty: none).',
    {
      dynamic: true,
    },
  ),
  accepted('ssl.protocol', 'string', 'TLSv1.3', 'The SSL protocol used to generate the SSLContext.', { dynamic: true }),
  accepted('ssl.cipher.suites', 'list', '', 'A list of cipher suites (broker-ts uses Node.js defaults).', { dynamic: true }),
  accepted('ssl.principal.mapping.rules', 'string', 'DEFAULT', 'Rules for mapping from distinguished name from the client certificate to short name.'),
  applied('max.connections', 'int', '2147483647', 'The maximum number of connections the broker accepts at any time (per listener with the listener prefix).', {
    dynamic: true,
    validate: atLeast(0),
  }),
  applied('max.connections.per.ip', 'int', '2147483647', 'The maximum number of connections allowed from each ip address.', {
    dynamic: true,
    validate: atLeast(0),
  }),
  applied('max.connections.per.ip.overrides', 'string', '', 'A comma-separated list of per-ip or hostname overrides: hostName:100,127.0.0.1:200.', {
    dynamic: true,
  }),

  // Storage
  applied('log.dir', 'string', DEFAULT_LOG_DIR, 'The directory in which the log data is kept (supplemental for log.dirs).'),
  applied('log.dirs', 'list', null, 'The directories in which the log data is kept; log.dir is used if not set.'),
  applied('metadata.log.dir', 'string', null, 'The directory of the cluster metadata log; the first of log.dirs if not set.'),
  applied('log.segment.bytes', 'int', '1073741824', 'The maximum size of a single log file.', { dynamic: true, validate: atLeast(1048576) }),
  applied('log.roll.ms', 'long', null, 'The maximum time before a new log segment is rolled out (in milliseconds).', { dynamic: true }),
  applied('log.roll.hours', 'int', '168', 'The maximum time before a new log segment is rolled out (in hours).', { validate: atLeast(1) }),
  applied('log.index.interval.bytes', 'int', '4096', 'The interval with which an entry is added to the offset index.', {
    dynamic: true,
    validate: atLeast(0),
  }),
  applied('log.index.size.max.bytes', 'int', '10485760', 'The maximum size in bytes of the offset index.', { dynamic: true, validate: atLeast(4) }),
  applied('log.flush.interval.messages', 'long', LONG_MAX, 'The number of messages accumulated on a log partition before messages are flushed to disk.', {
    dynamic: true,
    validate: atLeast(1),
  }),
  applied('log.flush.interval.ms', 'long', null, 'The maximum time in ms that a message is kept in memory before being flushed to disk.', {
    dynamic: true,
  }),
  applied('log.flush.scheduler.interval.ms', 'long', LONG_MAX, 'The frequency in ms with which logs are checked for a needed flush.'),
  applied('log.message.timestamp.type', 'string', 'CreateTime', 'Whether the timestamp in the message is the create time or the log append time.', {
    dynamic: true,
    validate: oneOf('CreateTime', 'LogAppendTime'),
  }),
  applied('message.max.bytes', 'int', '1048588', 'The largest record batch size allowed by Kafka.', { dynamic: true, validate: atLeast(0) }),
  applied('producer.id.expiration.ms', 'int', '86400000', 'The time a partition leader keeps a producer id without activity.', {
    dynamic: true,
    validate: atLeast(1),
  }),
  applied('log.cleanup.policy', 'list', 'delete', 'The default cleanup policy for segments beyond the retention window.', {
    dynamic: true,
    validate: listOf('compact', 'delete'),
  }),
  applied('compression.type', 'string', 'producer', 'The final compression type of a topic (broker-ts keeps batches as produced).', {
    dynamic: true,
    validate: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
  }),

  // Topics
  applied('num.partitions', 'int', '1', 'The default number of log partitions per topic.', { validate: atLeast(1) }),
  applied('default.replication.factor', 'int', '1', 'The replication factor for automatically created topics.'),
  applied('min.insync.replicas', 'int', '1', 'The minimum number of replicas that must acknowledge a write with acks=all.', {
    dynamic: true,
    validate: atLeast(1),
  }),
  applied('auto.create.topics.enable', 'boolean', 'true', 'Enable auto creation of topic on the server.'),
  applied('delete.topic.enable', 'boolean', 'true', 'Enables deleting topics.'),
  applied('unclean.leader.election.enable', 'boolean', 'false', 'Whether replicas not in the ISR may be elected leader as a last resort.', {
    dynamic: true,
  }),

  // Network
  applied('socket.request.max.bytes', 'int', '104857600', 'The maximum number of bytes in a socket request.', { validate: atLeast(1) }),
  applied('connections.max.idle.ms', 'long', '600000', 'Idle connections timeout: the server closes connections idle for more than this.'),
  applied('fetch.max.bytes', 'int', '57671680', 'The maximum number of bytes returned for a fetch request.', { validate: atLeast(1024) }),
  applied('max.incremental.fetch.session.cache.slots', 'int', '1000', 'The maximum number of incremental fetch sessions.', {
    validate: atLeast(0),
  }),

  // Group coordinator
  applied('offsets.topic.replication.factor', 'short', '3', 'The replication factor for the offsets topic.', { validate: atLeast(1) }),
  applied('offsets.topic.num.partitions', 'int', '50', 'The number of partitions for the offset commit topic.', { validate: atLeast(1) }),
  applied('offsets.topic.segment.bytes', 'int', '104857600', 'The offsets topic segment bytes.', { validate: atLeast(1) }),
  applied('offset.metadata.max.bytes', 'int', '4096', 'The maximum size for a metadata entry associated with an offset commit.'),
  applied('group.initial.rebalance.delay.ms', 'int', '3000', 'The time the coordinator waits for more members to join a new group before the first rebalance.'),
  applied('group.min.session.timeout.ms', 'int', '6000', 'The minimum allowed session timeout for registered consumers.'),
  applied('group.max.session.timeout.ms', 'int', '1800000', 'The maximum allowed session timeout for registered consumers.'),
  applied('group.max.size', 'int', '2147483647', 'The maximum number of consumers that a single consumer group can accommodate.', {
    validate: atLeast(1),
  }),
  applied('group.consumer.session.timeout.ms', 'int', '45000', 'The timeout to detect client failures when using the consumer group protocol.', {
    validate: atLeast(1),
  }),
  applied('group.consumer.heartbeat.interval.ms', 'int', '5000', 'The heartbeat interval given to the members of a consumer group.', {
    validate: atLeast(1),
  }),
  accepted(
    'group.consumer.min.session.timeout.ms',
    'int',
    '45000',
    'The minimum allowed session timeout for registered consumers (broker-ts: no group-level override).',
  ),
  accepted(
    'group.consumer.max.session.timeout.ms',
    'int',
    '60000',
    'The maximum allowed session timeout for registered consumers (broker-ts: no group-level override).',
  ),
  accepted(
    'group.consumer.min.heartbeat.interval.ms',
    'int',
    '5000',
    'The minimum heartbeat interval for registered consumers (broker-ts: no group-level override).',
  ),
  accepted(
    'group.consumer.max.heartbeat.interval.ms',
    'int',
    '15000',
    'The maximum heartbeat interval for registered consumers (broker-ts: no group-level override).',
  ),
  applied('group.consumer.max.size', 'int', '2147483647', 'The maximum number of consumers that a single consumer group can accommodate.', {
    validate: atLeast(1),
  }),
  applied(
    'group.consumer.migration.policy',
    'string',
    'bidirectional',
    'Whether a classic group with members becomes a consumer group when a member joins with the consumer protocol (upgrade), the reverse when the last such member leaves (downgrade), both, or neither (disabled).',
    { validate: oneOfIgnoringCase(...MIGRATION_POLICIES) },
  ),
  applied(
    'group.consumer.assignors',
    'list',
    'uniform,range',
    'The server-side assignors (uniform, range, or their Kafka class names); the first is the default.',
  ),
  accepted(
    'offsets.retention.minutes',
    'int',
    '10080',
    'Offsets of a group older than this after it becomes empty are discarded (not enforced by broker-ts).',
    {
      validate: atLeast(1),
    },
  ),
  accepted('offsets.commit.timeout.ms', 'int', '5000', 'Offset commit is delayed until all replicas received the commit or this timeout is reached.'),

  // Replication and the KRaft controller
  applied('replica.lag.time.max.ms', 'long', '30000', 'A follower that has not caught up for this long is removed from the ISR.'),
  applied('broker.session.timeout.ms', 'int', '9000', 'The length of time in milliseconds that a broker lease lasts if no heartbeats are made.'),
  applied('broker.heartbeat.interval.ms', 'int', '2000', 'The length of time in milliseconds between broker heartbeats.'),
  accepted('unclean.leader.election.interval.ms', 'long', '300000', 'How often the controller looks for partitions that need an unclean election.'),
  accepted('auto.leader.rebalance.enable', 'boolean', 'true', 'Enables auto leader balancing.'),
  accepted('leader.imbalance.check.interval.seconds', 'long', '300', 'The frequency with which the partition rebalance check is triggered.'),
  accepted('num.replica.fetchers', 'int', '1', 'Number of fetcher threads used to replicate records from each source broker.', { dynamic: true }),
  applied('replica.fetch.max.bytes', 'int', '1048576', 'The number of bytes of messages to attempt to fetch for each partition.'),
  applied('replica.fetch.wait.max.ms', 'int', '500', 'The maximum wait time for each fetcher request issued by follower replicas.'),
  accepted('replica.fetch.min.bytes', 'int', '1', 'Minimum bytes expected for each fetch response.'),
  accepted('replica.socket.timeout.ms', 'int', '30000', 'The socket timeout for network requests.'),
  applied(
    'controller.quorum.election.timeout.ms',
    'int',
    '1000',
    'Maximum time in milliseconds to wait without being able to fetch from the leader before triggering a new election.',
  ),
  applied('controller.quorum.fetch.timeout.ms', 'int', '2000', 'Maximum time without a successful fetch from the current leader before becoming a candidate.'),
  applied('controller.quorum.election.backoff.max.ms', 'int', '1000', 'Maximum time in milliseconds before starting new elections.'),
  applied('controller.quorum.request.timeout.ms', 'int', '2000', 'The maximum amount of time the client will wait for the response of a request.'),
  applied(
    'controller.quorum.retry.backoff.ms',
    'int',
    '20',
    'The amount of time to wait before attempting to retry a failed request to a given topic partition.',
  ),
  accepted(
    'controller.quorum.append.linger.ms',
    'int',
    '25',
    'The duration in milliseconds that the leader will wait for writes to accumulate before flushing them to disk.',
  ),
  accepted('initial.broker.registration.timeout.ms', 'int', '60000', 'How long to wait for the initial broker registration.'),

  // Transactions (a later issue)
  applied('transaction.state.log.replication.factor', 'short', '3', 'The replication factor for the transaction topic.', { validate: atLeast(1) }),
  applied('transaction.state.log.num.partitions', 'int', '50', 'The number of partitions for the transaction topic.', { validate: atLeast(1) }),
  applied('transaction.state.log.min.isr', 'int', '2', 'The minimum number of replicas that must acknowledge a write to the transaction topic.', {
    validate: atLeast(1),
  }),
  applied('transaction.state.log.segment.bytes', 'int', '104857600', 'The transaction topic segment bytes.', { validate: atLeast(1) }),
  accepted(
    'transactional.id.expiration.ms',
    'int',
    '604800000',
    'The time the transaction coordinator waits before expiring a transactional id (not enforced by broker-ts).',
  ),
  applied('transaction.max.timeout.ms', 'int', '900000', 'The maximum allowed timeout for transactions.', { validate: atLeast(1) }),
  applied(
    'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    'int',
    '10000',
    'The interval at which to rollback transactions that have timed out.',
    { validate: atLeast(1) },
  ),

  // Retention: applied to logs whose cleanup.policy names delete (topic keys retention.ms, retention.bytes)
  applied('log.retention.hours', 'int', '168', 'The number of hours to keep a log file before deleting it.'),
  applied('log.retention.minutes', 'int', null, 'The number of minutes to keep a log file before deleting it.'),
  applied('log.retention.ms', 'long', null, 'The number of milliseconds to keep a log file before deleting it.', { dynamic: true }),
  applied('log.retention.bytes', 'long', '-1', 'The maximum size of the log before deleting it.', { dynamic: true }),
  applied(
    'log.retention.check.interval.ms',
    'long',
    '300000',
    'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion.',
    { validate: atLeast(1) },
  ),
  // Cleaning: Kafka's keys, not enforced by broker-ts (it compacts nothing)
  accepted('log.cleaner.enable', 'boolean', 'true', 'Enable the log cleaner process to run on the server.'),
  accepted('log.cleaner.threads', 'int', '1', 'The number of background threads to use for log cleaning.', { dynamic: true }),
  accepted('log.cleaner.delete.retention.ms', 'long', '86400000', 'The amount of time to retain tombstone message markers for log compacted topics.', {
    dynamic: true,
  }),
  accepted('log.cleaner.min.compaction.lag.ms', 'long', '0', 'The minimum time a message will remain uncompacted in the log.', { dynamic: true }),
  accepted('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, 'The maximum time a message will remain ineligible for compaction in the log.', {
    dynamic: true,
  }),
  accepted('log.cleaner.min.cleanable.ratio', 'double', '0.5', 'The minimum ratio of dirty log to total log for a log to eligible for cleaning.', {
    dynamic: true,
  }),
  accepted('log.segment.delete.delay.ms', 'long', '60000', 'The amount of time to wait before deleting a file from the filesystem.', { dynamic: true }),
  accepted('log.roll.jitter.ms', 'long', null, 'The maximum jitter to subtract from logRollTimeMillis (in milliseconds).', { dynamic: true }),
  accepted('log.roll.jitter.hours', 'int', '0', 'The maximum jitter to subtract from logRollTimeMillis (in hours).'),
  accepted('log.local.retention.ms', 'long', '-2', 'The number of milliseconds to keep the local log segments before they get eligible for deletion.', {
    dynamic: true,
  }),
  accepted('log.local.retention.bytes', 'long', '-2', 'The maximum size of local log segments before they get eligible for deletion.', { dynamic: true }),
  accepted(
    'log.remote.copy.lag.ms',
    'long',
    '0',
    'How long after its latest record a non-active segment becomes eligible for upload to remote storage (-1: the local retention time).',
    {
      dynamic: true,
      validate: atLeast(-1),
    },
  ),
  accepted(
    'log.remote.copy.lag.bytes',
    'long',
    '-1',
    'How many bytes of newer local data make a non-active segment eligible for upload to remote storage (-1: the local retention size).',
    {
      dynamic: true,
      validate: atLeast(-1),
    },
  ),
  accepted(
    'max.decompressed.message.bytes',
    'int',
    '2147483639',
    'The maximum decompressed size of a single record the broker accepts (broker-ts never decompresses on produce).',
    {
      dynamic: true,
      validate: atLeast(1),
    },
  ),
  accepted('compression.gzip.level', 'int', '-1', 'The compression level to use if compression.type is set to gzip.', { dynamic: true }),
  accepted('compression.lz4.level', 'int', '9', 'The compression level to use if compression.type is set to lz4.', { dynamic: true }),
  accepted('compression.zstd.level', 'int', '3', 'The compression level to use if compression.type is set to zstd.', { dynamic: true }),
  accepted('log.preallocate', 'boolean', 'false', 'Should pre allocate file when create new segment?', { dynamic: true }),
  accepted(
    'log.message.timestamp.before.max.ms',
    'long',
    LONG_MAX,
    'The maximum difference allowed between the timestamp when a broker receives a message and an earlier timestamp in it.',
    {
      dynamic: true,
    },
  ),
  accepted(
    'log.message.timestamp.after.max.ms',
    'long',
    '3600000',
    'The maximum difference allowed between the timestamp when a broker receives a message and a later timestamp in it.',
    {
      dynamic: true,
    },
  ),

  // Threads and buffers: meaningless on one event loop
  accepted('num.network.threads', 'int', '3', 'The number of threads that the server uses for receiving requests from the network.', { dynamic: true }),
  accepted('num.io.threads', 'int', '8', 'The number of threads that the server uses for processing requests.', { dynamic: true }),
  accepted('background.threads', 'int', '10', 'The number of threads to use for various background processing tasks.', { dynamic: true }),
  accepted('num.recovery.threads.per.data.dir', 'int', '2', 'The number of threads per data directory used for log recovery at startup.', {
    dynamic: true,
  }),
  accepted('socket.send.buffer.bytes', 'int', '102400', 'The SO_SNDBUF buffer of the socket server sockets.'),
  accepted('socket.receive.buffer.bytes', 'int', '102400', 'The SO_RCVBUF buffer of the socket server sockets.'),
  applied('socket.listen.backlog.size', 'int', '50', 'The maximum number of pending connections on the socket (connections over max.connections wait there).', {
    validate: atLeast(1),
  }),
  accepted('queued.max.requests', 'int', '500', 'The number of queued requests allowed for the data-plane before blocking the network threads.'),
  accepted('request.timeout.ms', 'int', '30000', 'The maximum amount of time the client will wait for the response of a request.'),
  applied(
    'group.coordinator.rebalance.protocols',
    'list',
    'classic,consumer,streams',
    'The list of enabled rebalance protocols; without consumer, ConsumerGroupHeartbeat and ConsumerGroupDescribe are not served (broker-ts has no streams groups).',
    { validate: listOf('classic', 'consumer', 'share', 'streams') },
  ),
  accepted(
    'errors.deadletterqueue.auto.create.topics.enable',
    'boolean',
    'false',
    "Whether the broker creates a share group's dead-letter queue topic when it does not exist (KIP-1191).",
    { dynamic: true },
  ),
  accepted(
    'errors.deadletterqueue.topic.name.prefix',
    'string',
    'dlq.',
    'The required prefix of dead-letter queue topic names for share groups ("" for none).',
    { dynamic: true },
  ),
  accepted('share.coordinator.state.topic.replication.factor', 'short', '3', 'Replication factor for the share-group state topic.'),
  accepted('share.coordinator.state.topic.min.isr', 'short', '2', 'Min ISR of the share-group state topic.'),
];

/** Keys DescribeConfigs does not list: broker-ts's own, and Kafka's internal ones. */
export const BROKER_TS_ONLY_KEYS: readonly ConfigKey[] = [
  applied('log.initial.task.delay.ms', 'long', '30000', "Kafka's internal key, for tests: how long after start-up the first retention check runs.", {
    validate: atLeast(0),
  }),
  applied('cluster.id', 'string', null, 'The cluster id; Kafka reads it from meta.properties written by kafka-storage format. Generated when absent.'),
  applied('log.tail.cache.bytes', 'int', '1048576', 'Recently appended batches kept in memory for tailing consumers.', { validate: atLeast(0) }),
  applied(
    'log.writeback.bytes',
    'int',
    '8388608',
    'Every this many bytes appended to a segment, write its data back to disk in the background (0: leave it to the kernel), so that the kernel never has gigabytes to write back at once while appends wait.',
    { validate: atLeast(0) },
  ),
  // Bugs on purpose, off by default: they make broker-ts unsafe so that tests can show the harness catches the loss.
  applied(
    'broker.ts.bug.ack.before.replication',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: answer acks=all produce requests once the leader has appended, before the ISR has the batch.',
  ),
  applied(
    'broker.ts.bug.elect.any.replica',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: the controller elects any live replica, preferring one outside the ISR.',
  ),
  applied(
    'broker.ts.bug.skip.truncation',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: followers neither send their last fetched epoch nor truncate a diverging log.',
  ),
  applied(
    'broker.ts.bug.fetch.skips.batch',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: a consumer read of three or more batches of a partition leaves out the second.',
  ),
  applied(
    'broker.ts.bug.skip.dedupe',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: the leader appends idempotent batches as if they had no producer id, so a retried batch is stored again.',
  ),
  applied(
    'broker.ts.bug.flush.skips.fsync',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: a log flush (log.flush.interval.messages, log.flush.interval.ms, a segment roll) reports the data durable without fsyncing it.',
  ),
  applied(
    'broker.ts.bug.recovery.keeps.torn.tail',
    'boolean',
    'false',
    'UNSAFE, for testing the crash-point test: recovery after an unclean shutdown stops at the first batch that does not validate but leaves its bytes in the segment.',
  ),
  applied(
    'broker.ts.bug.raft.resumes.leadership',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: a metadata quorum voter whose stored state says it led its epoch leads that epoch again after a restart, instead of waiting for an election of a later one.',
  ),
  applied(
    'broker.ts.bug.fetch.omits.aborted',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: read_committed fetches list no aborted transactions, so consumers cannot filter them out.',
  ),
  applied(
    'broker.ts.bug.hw.ignores.min.isr',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: a leader moves its high watermark while its ISR is below min.insync.replicas, so consumers read acks=0/1 writes that no eligible leader replica holds.',
  ),
  applied(
    'broker.ts.bug.group.skips.revocation',
    'boolean',
    'false',
    'UNSAFE, for testing the checker: a KIP-848 consumer group hands a partition to its new member at once, without waiting for the member that holds it to revoke it.',
  ),
  applied(
    'sasl.scram.credentials',
    'password',
    null,
    'SCRAM users, in the syntax of kafka-storage format --add-scram, separated by ";": SCRAM-SHA-512=[name=alice,password=alice-secret]. Kafka keeps them in the metadata log.',
    { sensitive: true },
  ),
];

const BY_NAME = new Map([...BROKER_CONFIG_KEYS, ...BROKER_TS_ONLY_KEYS].map((key) => [key.name, key]));

export function brokerConfigKey(name: string): ConfigKey | undefined {
  return BY_NAME.get(name);
}

/** Keys Kafka lets a listener override with the prefix listener.name.<listener>. */
const LISTENER_OVERRIDABLE = new Set([
  'sasl.enabled.mechanisms',
  'sasl.server.max.receive.size',
  'connections.max.reauth.ms',
  'max.connections',
  ...BROKER_CONFIG_KEYS.filter((key) => key.name.startsWith('ssl.')).map((key) => key.name),
]);

const LISTENER_PREFIXED = /^listener\.name\.([a-z0-9_]+)\.(.+)$/;
const MECHANISM_JAAS = /^(plain|scram-sha-256|scram-sha-512|gssapi|oauthbearer)\.sasl\.jaas\.config$/;

/**
 * A listener-prefixed key (`listener.name.client.ssl.keystore.location`,
 * `listener.name.client.plain.sasl.jaas.config`) as the key it overrides, under its full name.
 */
export function listenerOverrideKey(name: string): ConfigKey | undefined {
  const match = LISTENER_PREFIXED.exec(name);
  if (match === null) return undefined;
  const base = match[2]!;
  if (LISTENER_OVERRIDABLE.has(base)) return { ...BY_NAME.get(base)!, name };
  if (MECHANISM_JAAS.test(base)) return { ...BY_NAME.get('sasl.jaas.config')!, name };
  return undefined;
}
