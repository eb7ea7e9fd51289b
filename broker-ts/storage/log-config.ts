// Per-partition log settings, named after the Kafka properties they mirror so a broker or topic
// configuration can be applied as is.

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** log.segment.bytes / segment.bytes */
  segmentBytes: number;
  /** log.roll.ms / segment.ms */
  segmentMs: number;
  /** log.index.interval.bytes / index.interval.bytes */
  indexIntervalBytes: number;
  /** log.index.size.max.bytes / segment.index.bytes */
  maxIndexSizeBytes: number;
  /** log.flush.interval.messages / flush.messages; Infinity leaves flushing to the OS. */
  flushIntervalMessages: number;
  /** log.flush.interval.ms / flush.ms; Infinity disables the periodic flush. */
  flushIntervalMs: number;
  /** message.max.bytes / max.message.bytes */
  maxMessageBytes: number;
  /** log.message.timestamp.type / message.timestamp.type */
  messageTimestampType: TimestampType;
  /** producer.id.expiration.ms */
  producerIdExpirationMs: number;
  /** log.retention.ms (or .minutes, .hours) / retention.ms; negative keeps segments however old. */
  retentionMs: number;
  /** log.retention.bytes / retention.bytes; negative keeps segments however large the log. */
  retentionBytes: number;
  /** log.cleanup.policy / cleanup.policy names delete: retention.ms and retention.bytes apply. */
  deletePolicy: boolean;
  /**
   * broker.ts.bug.flush.skips.fsync (unsafe on purpose): a flush reports the data durable without
   * fsyncing it, so a power loss takes writes the flush policy promised to keep.
   */
  flushSkipsFsync: boolean;
  /**
   * broker.ts.bug.recovery.keeps.torn.tail (unsafe on purpose): recovery after an unclean shutdown
   * stops at the first batch that does not validate but leaves its bytes in the segment.
   */
  recoveryKeepsTornTail: boolean;
  /** broker-ts only (log.tail.cache.bytes): recently appended batches kept in memory for tailing consumers. */
  tailCacheBytes: number;
  /** broker-ts only (log.writeback.bytes): bytes appended to a segment between background writebacks; 0 for none. */
  writebackBytes: number;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  maxIndexSizeBytes: 10 * 1024 * 1024,
  flushIntervalMessages: Infinity,
  flushIntervalMs: Infinity,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  producerIdExpirationMs: 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  deletePolicy: true,
  flushSkipsFsync: false,
  recoveryKeepsTornTail: false,
  tailCacheBytes: 1024 * 1024,
  writebackBytes: 8 * 1024 * 1024,
});

export function resolveLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const [key, value] of Object.entries(overrides) as [keyof LogConfig, unknown][]) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  if (config.segmentBytes < 14 || config.segmentBytes > 0x7fffffff) {
    throw new RangeError(`segmentBytes must be between 14 and 2^31-1, got ${config.segmentBytes}`);
  }
  if (config.maxIndexSizeBytes < 12) {
    throw new RangeError(`maxIndexSizeBytes must be at least 12, got ${config.maxIndexSizeBytes}`);
  }
  if (config.flushIntervalMessages < 1) {
    throw new RangeError(`flushIntervalMessages must be at least 1, got ${config.flushIntervalMessages}`);
  }
  return config;
}

/** Broker-level and topic-level property names of each setting. */
export const LOG_CONFIG_PROPERTIES: { readonly [K in keyof LogConfig]: { broker: string; topic?: string } } = {
  segmentBytes: { broker: 'log.segment.bytes', topic: 'segment.bytes' },
  segmentMs: { broker: 'log.roll.ms', topic: 'segment.ms' },
  indexIntervalBytes: { broker: 'log.index.interval.bytes', topic: 'index.interval.bytes' },
  maxIndexSizeBytes: { broker: 'log.index.size.max.bytes', topic: 'segment.index.bytes' },
  flushIntervalMessages: { broker: 'log.flush.interval.messages', topic: 'flush.messages' },
  flushIntervalMs: { broker: 'log.flush.interval.ms', topic: 'flush.ms' },
  maxMessageBytes: { broker: 'message.max.bytes', topic: 'max.message.bytes' },
  messageTimestampType: { broker: 'log.message.timestamp.type', topic: 'message.timestamp.type' },
  producerIdExpirationMs: { broker: 'producer.id.expiration.ms' },
  retentionMs: { broker: 'log.retention.ms', topic: 'retention.ms' },
  retentionBytes: { broker: 'log.retention.bytes', topic: 'retention.bytes' },
  deletePolicy: { broker: 'log.cleanup.policy', topic: 'cleanup.policy' },
  flushSkipsFsync: { broker: 'broker.ts.bug.flush.skips.fsync' },
  recoveryKeepsTornTail: { broker: 'broker.ts.bug.recovery.keeps.torn.tail' },
  tailCacheBytes: { broker: 'log.tail.cache.bytes' },
  writebackBytes: { broker: 'log.writeback.bytes' },
};

/**
 * Applies Kafka-named properties on top of `base`: broker names (log.segment.bytes) and topic names
 * (segment.bytes) are both accepted, topic names win as in Kafka. Long.MAX_VALUE means "never".
 */
export function logConfigFromProperties(properties: Readonly<Record<string, string | number | boolean | undefined>>, base: Partial<LogConfig> = {}): LogConfig {
  const overrides: Record<string, unknown> = { ...base };
  for (const scope of ['broker', 'topic'] as const) {
    for (const [key, names] of Object.entries(LOG_CONFIG_PROPERTIES) as [keyof LogConfig, { broker: string; topic?: string }][]) {
      const name = names[scope];
      const raw = name === undefined ? undefined : properties[name];
      if (raw === undefined) continue;
      overrides[key] = parsePropertyValue(key, name!, raw);
    }
  }
  return resolveLogConfig(overrides as Partial<LogConfig>);
}

function parsePropertyValue(key: keyof LogConfig, name: string, raw: string | number | boolean): unknown {
  if (key === 'messageTimestampType') {
    if (raw !== 'CreateTime' && raw !== 'LogAppendTime') throw new RangeError(`${name}: unknown timestamp type ${raw}`);
    return raw;
  }
  if (key === 'flushSkipsFsync') return raw === true || raw === 'true';
  if (key === 'deletePolicy')
    return String(raw)
      .split(',')
      .some((policy) => policy.trim() === 'delete');
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new RangeError(`${name}: not a number: ${raw}`);
  return value > Number.MAX_SAFE_INTEGER ? Infinity : value;
}
