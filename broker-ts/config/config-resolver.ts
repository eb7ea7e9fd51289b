// Effective configuration values and where they come from, for DescribeConfigs and for the logs:
// a topic key takes its topic override, else the first of its broker synonyms that is set (per
// broker dynamically, cluster-wide dynamically, or in server.properties), else its default. The
// dynamic layers live in the metadata image (ConfigRecords), so changes survive restarts.
import type { LogConfig } from '../storage/index.js';
import { BROKER_CONFIG_KEYS, brokerConfigKey } from './broker-config-keys.js';
import type { ConfigKey, ConfigValue } from './config-key.js';
import { CONFIG_TYPE_CODES, ConfigSource, parseConfigValue } from './config-key.js';
import { TOPIC_CONFIG_KEYS, topicConfigKey } from './topic-config-keys.js';
import type { TopicConfigKey } from './topic-config-keys.js';

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  sensitive: boolean;
  configType: number;
  documentation: string;
  /** Every layer that sets the key, the winning one first (DescribeConfigs include_synonyms). */
  synonyms: ConfigSynonym[];
}

/** Dynamic broker configs: this node's, and the cluster-wide defaults (resource name ""). */
export interface DynamicBrokerConfigs {
  node(): ReadonlyMap<string, string>;
  clusterDefault(): ReadonlyMap<string, string>;
}

export class ConfigResolver {
  constructor(
    private readonly staticValues: ReadonlyMap<string, string>,
    private readonly dynamic: DynamicBrokerConfigs,
  ) {}

  /** A topic key's entry for a topic with these overrides. */
  topicEntry(key: TopicConfigKey, overrides: ReadonlyMap<string, string>): ConfigEntry {
    const synonyms: ConfigSynonym[] = [];
    const override = overrides.get(key.name);
    if (override !== undefined) synonyms.push({ name: key.name, value: override, source: ConfigSource.TOPIC_CONFIG });
    for (const synonym of key.synonyms) {
      for (const layer of this.brokerLayers(synonym.name))
        synonyms.push({ ...layer, value: layer.value === null || synonym.convert === undefined ? layer.value : synonym.convert(layer.value) });
    }
    const [first] = key.synonyms;
    const firstDefault = first === undefined || first.convert !== undefined ? null : (brokerConfigKey(first.name)?.defaultValue ?? null);
    if (first !== undefined && firstDefault !== null) synonyms.push({ name: first.name, value: firstDefault, source: ConfigSource.DEFAULT_CONFIG });
    const winner = synonyms.find((s) => s.source !== ConfigSource.DEFAULT_CONFIG);
    return entryOf(key, winner?.value ?? key.defaultValue, winner?.source ?? ConfigSource.DEFAULT_CONFIG, synonyms);
  }

  topicEntries(overrides: ReadonlyMap<string, string>, names?: readonly string[] | null): ConfigEntry[] {
    const keys = names == null ? TOPIC_CONFIG_KEYS : names.map(topicConfigKey).filter((k): k is TopicConfigKey => k !== undefined);
    return keys.map((key) => this.topicEntry(key, overrides)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A broker key's entry, dynamic values first. */
  brokerEntry(key: ConfigKey): ConfigEntry {
    const synonyms = this.brokerLayers(key.name);
    if (key.defaultValue !== null) synonyms.push({ name: key.name, value: key.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    const winner = synonyms[0];
    return entryOf(key, winner?.value ?? null, winner?.source ?? ConfigSource.DEFAULT_CONFIG, synonyms);
  }

  brokerEntries(names?: readonly string[] | null): ConfigEntry[] {
    const keys =
      names == null ? BROKER_CONFIG_KEYS : names.map(brokerConfigKey).filter((k): k is ConfigKey => k !== undefined && BROKER_CONFIG_KEYS.includes(k));
    return keys
      .filter((key) => !key.sensitive)
      .map((key) => this.brokerEntry(key))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The parsed effective value of a topic key. */
  topicValue(name: string, overrides: ReadonlyMap<string, string>): ConfigValue {
    const key = topicConfigKey(name);
    if (key === undefined) throw new RangeError(`unknown topic config ${name}`);
    return parseConfigValue(key, this.topicEntry(key, overrides).value ?? key.defaultValue!);
  }

  /** The parsed effective value of a broker key (dynamic layers included). */
  brokerValue(name: string): ConfigValue | null {
    const key = brokerConfigKey(name);
    if (key === undefined) throw new RangeError(`unknown broker config ${name}`);
    const value = this.brokerEntry(key).value;
    return value === null ? null : parseConfigValue(key, value);
  }

  /** A broker key's value from this node's configuration file, else its default: what no dynamic config changed. */
  staticOrDefault(name: string): string | null {
    const key = brokerConfigKey(name);
    if (key === undefined) throw new RangeError(`unknown broker config ${name}`);
    return this.staticValues.get(name) ?? key.defaultValue ?? null;
  }

  /** The storage settings of a topic's partitions. */
  logConfig(overrides: ReadonlyMap<string, string>): Partial<LogConfig> {
    const num = (name: string) => neverIfHuge(this.topicValue(name, overrides) as number);
    return {
      segmentBytes: num('segment.bytes'),
      segmentMs: num('segment.ms'),
      indexIntervalBytes: num('index.interval.bytes'),
      maxIndexSizeBytes: num('segment.index.bytes'),
      flushIntervalMessages: num('flush.messages'),
      flushIntervalMs: num('flush.ms'),
      maxMessageBytes: num('max.message.bytes'),
      messageTimestampType: this.topicValue('message.timestamp.type', overrides) as LogConfig['messageTimestampType'],
      producerIdExpirationMs: this.brokerValue('producer.id.expiration.ms') as number,
      retentionMs: num('retention.ms'),
      retentionBytes: num('retention.bytes'),
      deletePolicy: (this.topicValue('cleanup.policy', overrides) as string[]).includes('delete'),
      flushSkipsFsync: this.brokerValue('broker.ts.bug.flush.skips.fsync') as boolean,
      recoveryKeepsTornTail: this.brokerValue('broker.ts.bug.recovery.keeps.torn.tail') as boolean,
      tailCacheBytes: this.brokerValue('log.tail.cache.bytes') as number,
      writebackBytes: this.brokerValue('log.writeback.bytes') as number,
    };
  }

  private brokerLayers(name: string): ConfigSynonym[] {
    const layers: ConfigSynonym[] = [];
    const node = this.dynamic.node().get(name);
    if (node !== undefined) layers.push({ name, value: node, source: ConfigSource.DYNAMIC_BROKER_CONFIG });
    const clusterDefault = this.dynamic.clusterDefault().get(name);
    if (clusterDefault !== undefined) layers.push({ name, value: clusterDefault, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const fromFile = this.staticValues.get(name);
    if (fromFile !== undefined) layers.push({ name, value: fromFile, source: ConfigSource.STATIC_BROKER_CONFIG });
    return layers;
  }
}

function entryOf(key: ConfigKey, value: string | null, source: number, synonyms: ConfigSynonym[]): ConfigEntry {
  return {
    name: key.name,
    value: key.sensitive ? null : value,
    source,
    readOnly: !(key.dynamic ?? false),
    sensitive: key.sensitive ?? false,
    configType: CONFIG_TYPE_CODES[key.type],
    documentation: key.documentation,
    synonyms,
  };
}

/** Long.MAX_VALUE and its neighbours mean "never" to Kafka; the storage layer says Infinity. */
function neverIfHuge(value: number): number {
  return value > Number.MAX_SAFE_INTEGER ? Infinity : value;
}
