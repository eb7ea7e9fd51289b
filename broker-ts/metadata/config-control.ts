// Configuration control (KRaft's ConfigurationControlManager): checks topic and broker config
// changes against the image and the config tables, and plans them as ConfigRecords.
import { ConfigError } from '../config/config-error.js';
import { brokerConfigKey } from '../config/broker-config-keys.js';
import type { ConfigKey } from '../config/config-key.js';
import { NotDynamicError, validateBrokerConfigs, validateTopicConfigs } from '../config/config-validation.js';
import { topicConfigKey } from '../config/topic-config-keys.js';
import { ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import { eligibleLeaderReplicasEnabled } from './features.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-records.js';
import { ConfigResourceType } from './metadata-records.js';

export interface ConfigResourceChange {
  resourceType: number;
  resourceName: string;
  configs: readonly { name: string; value: string | null }[];
}

/** IncrementalAlterConfigs' operations, by their code on the wire. */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface IncrementalConfigChange {
  resourceType: number;
  resourceName: string;
  configs: readonly { name: string; configOperation: number; value: string | null }[];
}

export class ConfigControl {
  constructor(private readonly image: MetadataImage) {}

  /**
   * IncrementalAlterConfigs: each operation applied to the resource's current configs (APPEND and
   * SUBTRACT to list configs only, starting from the default when the key is not set), then the
   * result checked whole as a replacement would be, as Kafka's ConfigurationControlManager does.
   */
  planIncremental(resource: IncrementalConfigChange): MetadataRecord[] {
    const names = resource.configs.map((c) => c.name);
    if (new Set(names).size !== names.length) throw ApiError.of('INVALID_REQUEST', 'Error due to duplicate config keys');
    const isTopic = resource.resourceType === ConfigResourceType.TOPIC;
    if (isTopic && this.image.topic(resource.resourceName) === undefined) {
      throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${resource.resourceName}' does not exist.`);
    }
    const current = isTopic
      ? this.image.topicConfigs(resource.resourceName)
      : resource.resourceType === ConfigResourceType.BROKER
        ? this.image.brokerConfigs(resource.resourceName)
        : undefined;
    if (current === undefined) throw ApiError.of('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType}`);
    const keyOf = (name: string): ConfigKey | undefined => (isTopic ? topicConfigKey(name) : brokerConfigKey(name));
    const next = new Map<string, string | null>(current);
    for (const { name, configOperation, value } of resource.configs) {
      if (configOperation !== ConfigOperation.DELETE && value === null) throw ApiError.of('INVALID_REQUEST', `Null value not supported for : ${name}`);
      switch (configOperation) {
        case ConfigOperation.SET:
          next.set(name, value);
          break;
        case ConfigOperation.DELETE:
          next.delete(name);
          break;
        case ConfigOperation.APPEND:
        case ConfigOperation.SUBTRACT: {
          const key = keyOf(name);
          const operation = configOperation === ConfigOperation.APPEND ? 'APPEND' : 'SUBTRACT';
          if (key?.type !== 'list') throw ApiError.of('INVALID_CONFIG', `Can't ${operation} to key ${name} because its type is not LIST.`);
          const parts = listParts(next.get(name) ?? key.defaultValue ?? null);
          for (const part of value!.split(',')) {
            if (operation === 'APPEND' && !parts.includes(part)) parts.push(part);
            if (operation === 'SUBTRACT') parts.splice(0, parts.length, ...parts.filter((p) => p !== part));
          }
          next.set(name, parts.join(','));
          break;
        }
        default:
          // Kafka 4.4 fails to map the code to an operation and answers UNKNOWN_SERVER_ERROR
          // without a message (the broker comparison's incremental-alter-configs probe).
          throw new ApiError(ErrorCode.UNKNOWN_SERVER_ERROR, null);
      }
    }
    const configs = [...next].map(([name, value]) => ({ name, value }));
    return this.planReplacement({ resourceType: resource.resourceType, resourceName: resource.resourceName, configs });
  }

  /** Legacy AlterConfigs: the records that make a resource's configs exactly the given ones. */
  planReplacement(resource: ConfigResourceChange): MetadataRecord[] {
    if (resource.resourceType === ConfigResourceType.TOPIC) {
      if (this.image.topic(resource.resourceName) === undefined) {
        throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${resource.resourceName}' does not exist.`);
      }
      const next = validatedTopicConfigs(resource.configs);
      return this.withElrRules(replaceConfigs(ConfigResourceType.TOPIC, resource.resourceName, this.image.topicConfigs(resource.resourceName), next));
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
      return this.withElrRules(replaceConfigs(ConfigResourceType.BROKER, resource.resourceName, this.image.brokerConfigs(resource.resourceName), given));
    }
    throw ApiError.of('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType}`);
  }

  /**
   * With eligible leader replicas on, min.insync.replicas is the cluster's or a topic's, never a
   * broker's, and the cluster's stays set; a change of it empties the ELRs it applies to, which
   * were chosen against the old value (ClearElrRecord), as Kafka's ConfigurationControlManager does.
   */
  private withElrRules(records: MetadataRecord[]): MetadataRecord[] {
    if (!eligibleLeaderReplicasEnabled(this.image.finalizedFeatures())) return records;
    const clears: MetadataRecord[] = [];
    for (const record of records) {
      if (record.type !== 'Config' || record.data.name !== MIN_INSYNC_REPLICAS) continue;
      const { resourceType, resourceName, value } = record.data;
      if (resourceType === ConfigResourceType.BROKER && resourceName !== '')
        throw ApiError.of('INVALID_CONFIG', 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.');
      if (resourceType === ConfigResourceType.BROKER && value === null)
        throw ApiError.of('INVALID_CONFIG', 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.');
      clears.push({ type: 'ClearElr', data: { topicName: resourceType === ConfigResourceType.TOPIC ? resourceName : '' } });
    }
    return [...records, ...clears];
  }
}

const MIN_INSYNC_REPLICAS = 'min.insync.replicas';

/** Topic configs as given in a request, checked against the topic config table (INVALID_CONFIG otherwise). */
export function validatedTopicConfigs(configs: readonly { name: string; value: string | null }[]): Map<string, string> {
  try {
    return validateTopicConfigs(configs);
  } catch (error) {
    if (error instanceof ConfigError) throw ApiError.of('INVALID_CONFIG', error.message);
    throw error;
  }
}

function listParts(value: string | null): string[] {
  if (value === null || value.trim() === '') return [];
  return value.split(',').map((part) => part.trim());
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
