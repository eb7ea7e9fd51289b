// Configuration control (KRaft's ConfigurationControlManager): checks topic and broker config
// changes against the image and the config tables, and plans them as ConfigRecords.
import { ConfigError } from '../config/config-error.js';
import { NotDynamicError, validateBrokerConfigs, validateTopicConfigs } from '../config/config-validation.js';
import { ApiError } from '../errors/api-error.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType } from './metadata-records.js';

export interface ConfigResourceChange {
  resourceType: number;
  resourceName: string;
  configs: readonly { name: string; value: string | null }[];
}

export class ConfigControl {
  constructor(private readonly image: MetadataImage) {}

  /** Legacy AlterConfigs: the records that make a resource's configs exactly the given ones. */
  planReplacement(resource: ConfigResourceChange): MetadataRecord[] {
    if (resource.resourceType === ConfigResourceType.TOPIC) {
      if (this.image.topic(resource.resourceName) === undefined) {
        throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${resource.resourceName}' does not exist.`);
      }
      const next = validatedTopicConfigs(resource.configs);
      return replaceConfigs(ConfigResourceType.TOPIC, resource.resourceName, this.image.topicConfigs(resource.resourceName), next);
    }
    if (resource.resourceType === ConfigResourceType.BROKER) {
      if (resource.resourceName !== '' && this.image.broker(Number(resource.resourceName)) === undefined) {
        throw ApiError.of('INVALID_REQUEST', `Unexpected broker id, expected a registered broker or empty string, but received ${resource.resourceName}`);
      }
      let next: Map<string, string | null>;
      try {
        next = validateBrokerConfigs(resource.configs);
      } catch (error) {
        if (error instanceof NotDynamicError) throw ApiError.of('INVALID_REQUEST', error.message);
        throw error;
      }
      const given = new Map([...next].filter((entry): entry is [string, string] => entry[1] !== null));
      return replaceConfigs(ConfigResourceType.BROKER, resource.resourceName, this.image.brokerConfigs(resource.resourceName), given);
    }
    throw ApiError.of('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType}`);
  }
}

/** Topic configs as given in a request, checked against the topic config table (INVALID_CONFIG otherwise). */
export function validatedTopicConfigs(configs: readonly { name: string; value: string | null }[]): Map<string, string> {
  try {
    return validateTopicConfigs(configs);
  } catch (error) {
    if (error instanceof ConfigError) throw ApiError.of('INVALID_CONFIG', error.message);
    throw error;
  }
}

function replaceConfigs(resourceType: number, resourceName: string, current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const name of current.keys()) {
    if (!next.has(name)) records.push({ type: 'Config', data: { resourceType, resourceName, name, value: null } });
  }
  for (const [name, value] of next) {
    if (current.get(name) !== value) records.push({ type: 'Config', data: { resourceType, resourceName, name, value } });
  }
  return records;
}
