import { describe, expect, it } from 'vitest';
import { ConfigResolver } from './config-resolver.js';
import { ConfigSource } from './config-key.js';
import { topicConfigKey } from './topic-config-keys.js';

function resolver(staticValues: Record<string, string>, node: Record<string, string> = {}, clusterDefault: Record<string, string> = {}) {
  return new ConfigResolver(new Map(Object.entries(staticValues)), {
    node: () => new Map(Object.entries(node)),
    clusterDefault: () => new Map(Object.entries(clusterDefault)),
  });
}

describe('ConfigResolver', () => {
  it('takes a topic override first, then broker synonyms by layer, then the default', () => {
    const configs = resolver({ 'log.segment.bytes': '2097152' });
    const key = topicConfigKey('segment.bytes')!;
    expect(configs.topicEntry(key, new Map())).toMatchObject({ value: '2097152', source: ConfigSource.STATIC_BROKER_CONFIG });
    expect(configs.topicEntry(key, new Map([['segment.bytes', '3145728']]))).toMatchObject({
      value: '3145728',
      source: ConfigSource.TOPIC_CONFIG,
      synonyms: [
        { name: 'segment.bytes', value: '3145728', source: ConfigSource.TOPIC_CONFIG },
        { name: 'log.segment.bytes', value: '2097152', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(resolver({}).topicEntry(key, new Map())).toMatchObject({ value: '1073741824', source: ConfigSource.DEFAULT_CONFIG });
    expect(resolver({ 'log.segment.bytes': '2097152' }, { 'log.segment.bytes': '4194304' }).topicEntry(key, new Map())).toMatchObject({
      value: '4194304',
      source: ConfigSource.DYNAMIC_BROKER_CONFIG,
    });
  });

  it('converts hour-based synonyms to milliseconds', () => {
    const configs = resolver({ 'log.roll.hours': '2' });
    expect(configs.topicEntry(topicConfigKey('segment.ms')!, new Map()).value).toBe('7200000');
    expect(resolver({ 'log.retention.minutes': '5' }).topicEntry(topicConfigKey('retention.ms')!, new Map()).value).toBe('300000');
  });

  it('turns Kafka\'s "never" into Infinity for the storage layer', () => {
    const config = resolver({ 'log.flush.interval.messages': '1' }).logConfig(new Map([['max.message.bytes', '2000000']]));
    expect(config).toMatchObject({ flushIntervalMessages: 1, flushIntervalMs: Infinity, maxMessageBytes: 2000000, segmentMs: 604800000 });
  });

  it('lists every topic key in name order', () => {
    const names = resolver({})
      .topicEntries(new Map())
      .map((e) => e.name);
    expect(names).toContain('retention.ms');
    expect(names).toEqual([...names].sort());
  });
});
