// Kafka's topic-level configuration keys (as Kafka 4.x's LogConfig defines them), each with the
// broker keys that supply its default ("synonyms", highest priority first, with a unit conversion
// for the hours/minutes variants). Keys marked 'accepted' are stored and described but have no
// effect in broker-ts (compaction is not done, batches are never recompressed).
import type { ConfigKey, ConfigType, Validator } from './config-key.js';
import { atLeast, between, listOf, oneOf } from './config-key.js';

export interface BrokerSynonym {
  name: string;
  /** Converts the broker value to the topic key's unit (hours to milliseconds, say). */
  convert?: (value: string) => string;
}

export interface TopicConfigKey extends ConfigKey {
  synonyms: readonly BrokerSynonym[];
}

function topicKey(
  support: 'applied' | 'accepted',
  name: string,
  type: ConfigType,
  defaultValue: string,
  synonyms: readonly (string | BrokerSynonym)[],
  documentation: string,
  validate?: Validator,
): TopicConfigKey {
  return {
    name,
    type,
    defaultValue,
    documentation,
    dynamic: true,
    support,
    synonyms: synonyms.map((s) => (typeof s === 'string' ? { name: s } : s)),
    ...(validate === undefined ? {} : { validate }),
  };
}

const LONG_MAX = '9223372036854775807';
const hoursToMs = (value: string) => String(BigInt(value) * 3_600_000n);
const minutesToMs = (value: string) => String(BigInt(value) * 60_000n);

export const TOPIC_CONFIG_KEYS: readonly TopicConfigKey[] = [
  topicKey(
    'applied',
    'cleanup.policy',
    'list',
    'delete',
    ['log.cleanup.policy'],
    'The retention policy to use on log segments: delete (retention.ms and retention.bytes apply) or compact (broker-ts compacts nothing).',
    listOf('compact', 'delete'),
  ),
  topicKey(
    'accepted',
    'compression.type',
    'string',
    'producer',
    ['compression.type'],
    'The final compression type for a topic (broker-ts keeps batches as produced).',
    oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
  ),
  topicKey('accepted', 'compression.gzip.level', 'int', '-1', ['compression.gzip.level'], 'The compression level to use if compression.type is set to gzip.'),
  topicKey('accepted', 'compression.lz4.level', 'int', '9', ['compression.lz4.level'], 'The compression level to use if compression.type is set to lz4.'),
  topicKey('accepted', 'compression.zstd.level', 'int', '3', ['compression.zstd.level'], 'The compression level to use if compression.type is set to zstd.'),
  topicKey(
    'accepted',
    'delete.retention.ms',
    'long',
    '86400000',
    ['log.cleaner.delete.retention.ms'],
    'The amount of time to retain tombstone markers for log compacted topics.',
    atLeast(0),
  ),
  topicKey(
    'accepted',
    'errors.deadletterqueue.group.enable',
    'boolean',
    'false',
    [],
    'Whether share groups may use this topic as a dead-letter queue (broker-ts has no share groups).',
  ),
  topicKey(
    'accepted',
    'file.delete.delay.ms',
    'long',
    '60000',
    ['log.segment.delete.delay.ms'],
    'The time to wait before deleting a file from the filesystem.',
    atLeast(0),
  ),
  topicKey(
    'applied',
    'flush.messages',
    'long',
    LONG_MAX,
    ['log.flush.interval.messages'],
    'The number of messages written to a log partition before an fsync is forced.',
    atLeast(1),
  ),
  topicKey(
    'applied',
    'flush.ms',
    'long',
    LONG_MAX,
    ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    'The time interval at which an fsync of data written to the log is forced.',
    atLeast(0),
  ),
  topicKey(
    'accepted',
    'follower.replication.throttled.replicas',
    'list',
    '',
    [],
    'A list of replicas for which log replication should be throttled on the follower side.',
  ),
  topicKey(
    'applied',
    'index.interval.bytes',
    'int',
    '4096',
    ['log.index.interval.bytes'],
    'How frequently Kafka adds an index entry to its offset index.',
    atLeast(0),
  ),
  topicKey(
    'accepted',
    'leader.replication.throttled.replicas',
    'list',
    '',
    [],
    'A list of replicas for which log replication should be throttled on the leader side.',
  ),
  topicKey(
    'accepted',
    'local.retention.bytes',
    'long',
    '-2',
    ['log.local.retention.bytes'],
    'The maximum size of local log segments that can grow for a partition before it deletes the old segments.',
    atLeast(-2),
  ),
  topicKey(
    'accepted',
    'local.retention.ms',
    'long',
    '-2',
    ['log.local.retention.ms'],
    'The number of milliseconds to keep the local log segment before it gets deleted.',
    atLeast(-2),
  ),
  topicKey(
    'accepted',
    'max.compaction.lag.ms',
    'long',
    LONG_MAX,
    ['log.cleaner.max.compaction.lag.ms'],
    'The maximum time a message will remain ineligible for compaction in the log.',
    atLeast(1),
  ),
  topicKey(
    'applied',
    'max.message.bytes',
    'int',
    '1048588',
    ['message.max.bytes'],
    'The largest record batch size allowed by Kafka (after compression if compression is enabled).',
    atLeast(0),
  ),
  topicKey(
    'accepted',
    'max.decompressed.message.bytes',
    'int',
    '2147483639',
    ['max.decompressed.message.bytes'],
    'The maximum decompressed size of a single record (broker-ts never decompresses on produce, so does not enforce it).',
    atLeast(1),
  ),
  topicKey(
    'accepted',
    'message.timestamp.after.max.ms',
    'long',
    '3600000',
    ['log.message.timestamp.after.max.ms'],
    'The maximum allowed difference between a later message timestamp and the broker time.',
    atLeast(0),
  ),
  topicKey(
    'accepted',
    'message.timestamp.before.max.ms',
    'long',
    LONG_MAX,
    ['log.message.timestamp.before.max.ms'],
    'The maximum allowed difference between an earlier message timestamp and the broker time.',
    atLeast(0),
  ),
  topicKey(
    'applied',
    'message.timestamp.type',
    'string',
    'CreateTime',
    ['log.message.timestamp.type'],
    'Define whether the timestamp in the message is message create time or log append time.',
    oneOf('CreateTime', 'LogAppendTime'),
  ),
  topicKey(
    'accepted',
    'min.cleanable.dirty.ratio',
    'double',
    '0.5',
    ['log.cleaner.min.cleanable.ratio'],
    'How frequently the log compactor will attempt to clean the log.',
    between(0, 1),
  ),
  topicKey(
    'accepted',
    'min.compaction.lag.ms',
    'long',
    '0',
    ['log.cleaner.min.compaction.lag.ms'],
    'The minimum time a message will remain uncompacted in the log.',
    atLeast(0),
  ),
  topicKey(
    'applied',
    'min.insync.replicas',
    'int',
    '1',
    ['min.insync.replicas'],
    'The minimum number of replicas that must acknowledge a write with acks=all.',
    atLeast(1),
  ),
  topicKey(
    'accepted',
    'preallocate',
    'boolean',
    'false',
    ['log.preallocate'],
    'True if we should preallocate the file on disk when creating a new log segment.',
  ),
  topicKey('accepted', 'remote.log.copy.disable', 'boolean', 'false', [], 'Disables copying of log segments to tiered storage.'),
  topicKey(
    'accepted',
    'remote.log.delete.on.disable',
    'boolean',
    'false',
    [],
    'Determines whether tiered data for a topic should be deleted after tiered storage is disabled on a topic.',
  ),
  topicKey(
    'accepted',
    'remote.copy.lag.bytes',
    'long',
    '-1',
    ['log.remote.copy.lag.bytes'],
    'How many bytes of newer local data make a segment eligible for upload to remote storage.',
    atLeast(-1),
  ),
  topicKey(
    'accepted',
    'remote.copy.lag.ms',
    'long',
    '0',
    ['log.remote.copy.lag.ms'],
    'How long after its latest record a segment becomes eligible for upload to remote storage.',
    atLeast(-1),
  ),
  topicKey('accepted', 'remote.storage.enable', 'boolean', 'false', [], 'To enable tiered storage for a topic.'),
  topicKey(
    'applied',
    'retention.bytes',
    'long',
    '-1',
    ['log.retention.bytes'],
    'The maximum size a partition can grow to before old log segments are discarded.',
  ),
  topicKey(
    'applied',
    'retention.ms',
    'long',
    '604800000',
    ['log.retention.ms', { name: 'log.retention.minutes', convert: minutesToMs }, { name: 'log.retention.hours', convert: hoursToMs }],
    'The maximum time a log is retained before old log segments are discarded.',
    atLeast(-1),
  ),
  topicKey('applied', 'segment.bytes', 'int', '1073741824', ['log.segment.bytes'], 'The segment file size for the log.', atLeast(1048576)),
  topicKey(
    'applied',
    'segment.index.bytes',
    'int',
    '10485760',
    ['log.index.size.max.bytes'],
    'The size of the index that maps offsets to file positions.',
    atLeast(4),
  ),
  topicKey(
    'accepted',
    'segment.jitter.ms',
    'long',
    '0',
    ['log.roll.jitter.ms', { name: 'log.roll.jitter.hours', convert: hoursToMs }],
    'The maximum random jitter subtracted from the scheduled segment roll time.',
    atLeast(0),
  ),
  topicKey(
    'applied',
    'segment.ms',
    'long',
    '604800000',
    ['log.roll.ms', { name: 'log.roll.hours', convert: hoursToMs }],
    'The period of time after which Kafka will force the log to roll even if the segment file is not full.',
    atLeast(1),
  ),
  topicKey(
    'applied',
    'unclean.leader.election.enable',
    'boolean',
    'false',
    ['unclean.leader.election.enable'],
    'Whether replicas not in the ISR may be elected leader as a last resort.',
  ),
];

const BY_NAME = new Map(TOPIC_CONFIG_KEYS.map((key) => [key.name, key]));

export function topicConfigKey(name: string): TopicConfigKey | undefined {
  return BY_NAME.get(name);
}
