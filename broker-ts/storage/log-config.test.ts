import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_CONFIG, logConfigFromProperties, resolveLogConfig } from './log-config.js';

describe('log configuration', () => {
  it('defaults to Kafka defaults', () => {
    expect(resolveLogConfig()).toEqual({
      ...DEFAULT_LOG_CONFIG,
      segmentBytes: 1073741824,
      indexIntervalBytes: 4096,
      maxIndexSizeBytes: 10485760,
      maxMessageBytes: 1048588,
      flushIntervalMessages: Infinity,
      flushSkipsFsync: false,
    });
  });

  it('reads Kafka property names, topic-level names winning, Long.MAX_VALUE meaning never', () => {
    const config = logConfigFromProperties({
      'log.segment.bytes': '1048576',
      'segment.bytes': 4096,
      'log.flush.interval.messages': '9223372036854775807',
      'flush.ms': '1000',
      'message.timestamp.type': 'LogAppendTime',
      'broker.ts.bug.flush.skips.fsync': 'true',
    });
    expect(config).toMatchObject({
      segmentBytes: 4096,
      flushIntervalMessages: Infinity,
      flushIntervalMs: 1000,
      messageTimestampType: 'LogAppendTime',
      flushSkipsFsync: true,
    });
  });

  it('rejects values Kafka would reject', () => {
    expect(() => resolveLogConfig({ segmentBytes: 10 })).toThrow(RangeError);
    expect(() => resolveLogConfig({ flushIntervalMessages: 0 })).toThrow(RangeError);
    expect(() => logConfigFromProperties({ 'message.timestamp.type': 'Whenever' })).toThrow(RangeError);
    expect(() => logConfigFromProperties({ 'segment.bytes': 'lots' })).toThrow(RangeError);
  });
});
