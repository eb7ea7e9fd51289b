// DescribeConfigs (key 32): a topic's configs (every topic key with its effective value and where
// it comes from), a broker's (its known keys, dynamic layers first), or the cluster-wide dynamic
// broker defaults (resource name "").
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { CONFIG_TYPE_CODES, ConfigSource } from '../config/config-key.js';
import type { ConfigEntry } from '../config/config-resolver.js';
import { brokerConfigKey } from '../config/broker-config-keys.js';
import { ConfigResourceType } from '../metadata/metadata-records.js';
import { topicValidateMessage } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';

interface Resource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 1,
  maxVersion: 4,
  handle(broker, body) {
    const includeSynonyms = body.includeSynonyms;
    const includeDocumentation = body.includeDocumentation ?? false;
    return {
      throttleTimeMs: 0,
      results: body.resources.map((resource) => {
        const result = describe(broker, resource);
        return {
          errorCode: result.errorCode,
          errorMessage: result.errorMessage,
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          configs: result.entries.map((entry) => ({
            name: entry.name,
            value: entry.value,
            readOnly: entry.readOnly,
            configSource: entry.source,
            isSensitive: entry.sensitive,
            synonyms: includeSynonyms ? entry.synonyms : [],
            configType: entry.configType,
            documentation: includeDocumentation ? entry.documentation : null,
          })),
        };
      }),
    };
  },
});

function describe(broker: BrokerServices, resource: Resource): { errorCode: number; errorMessage: string; entries: ConfigEntry[] } {
  const ok = (entries: ConfigEntry[]) => ({ errorCode: ErrorCode.NONE, errorMessage: '', entries });
  const fail = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage, entries: [] });
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      // Kafka's ConfigHelper.describeConfigs validates the name (Topic.validate) before looking the topic up.
      const invalidName = topicValidateMessage(resource.resourceName);
      if (invalidName !== undefined) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, invalidName);
      if (broker.image.topic(resource.resourceName) === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, '');
      return ok(broker.configs.topicEntries(broker.image.topicConfigs(resource.resourceName), resource.configurationKeys));
    }
    case ConfigResourceType.BROKER: {
      if (resource.resourceName === '') return ok(clusterDefaults(broker, resource.configurationKeys));
      if (!/^-?\d+$/.test(resource.resourceName)) return fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${resource.resourceName}`);
      if (Number(resource.resourceName) !== broker.nodeId) {
        return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resource.resourceName}`);
      }
      return ok(broker.configs.brokerEntries(resource.configurationKeys));
    }
    default:
      return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType}`);
  }
}

/** The cluster-wide dynamic defaults: only what AlterConfigs set on resource "". */
function clusterDefaults(broker: BrokerServices, names: readonly string[] | null): ConfigEntry[] {
  const defaults = broker.image.brokerConfigs('');
  return [...defaults]
    .filter(([name]) => names === null || names.includes(name))
    .map(([name, value]) => {
      const key = brokerConfigKey(name);
      return {
        name,
        value: key?.sensitive ? null : value,
        source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
        readOnly: false,
        sensitive: key?.sensitive ?? false,
        configType: key === undefined ? CONFIG_TYPE_CODES.string : CONFIG_TYPE_CODES[key.type],
        documentation: key?.documentation ?? '',
        synonyms: [{ name, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
