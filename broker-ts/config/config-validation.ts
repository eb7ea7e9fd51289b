// Checks of configuration changes made through the admin APIs (CreateTopics, AlterConfigs), with
// the messages Kafka answers.
import { brokerConfigKey } from './broker-config-keys.js';
import { ConfigError } from './config-error.js';
import { parseConfigValue } from './config-key.js';
import { topicConfigKey } from './topic-config-keys.js';

export interface ConfigChange {
  name: string;
  value: string | null;
}

/** Topic overrides: every key must be a topic key with a valid, non-null value. */
export function validateTopicConfigs(changes: readonly ConfigChange[]): Map<string, string> {
  const configs = new Map<string, string>();
  for (const { name, value } of changes) {
    const key = topicConfigKey(name);
    if (key === undefined) throw new ConfigError(`Unknown topic config name: ${name}`);
    if (value === null) throw new ConfigError(`Null value not supported for topic configs: ${name}`);
    parseConfigValue(key, value);
    configs.set(name, value.trim());
  }
  return configs;
}

export class NotDynamicError extends Error {
  override readonly name = 'NotDynamicError';
}

/**
 * Dynamic broker configs: Kafka refuses keys it cannot change at run time; keys it does not know are
 * kept as they are (custom configs).
 */
export function validateBrokerConfigs(changes: readonly ConfigChange[]): Map<string, string | null> {
  const notDynamic = changes.filter(({ name }) => {
    const key = brokerConfigKey(name);
    return key !== undefined && !(key.dynamic ?? false);
  });
  if (notDynamic.length > 0) throw new NotDynamicError(`Cannot update these configs dynamically: [${notDynamic.map((c) => c.name).join(', ')}]`);
  const configs = new Map<string, string | null>();
  for (const { name, value } of changes) {
    const key = brokerConfigKey(name);
    if (key !== undefined && value !== null) parseConfigValue(key, value);
    configs.set(name, value === null ? null : value.trim());
  }
  return configs;
}
