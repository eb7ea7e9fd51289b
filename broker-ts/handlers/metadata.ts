// Metadata (key 3): brokers as seen through the request's listener, the controller id, the cluster
// id, and topics with their partitions (leader, leader epoch, replicas, ISR). Unknown topics are
// created when the request allows it and auto.create.topics.enable is on; as in KRaft, that
// response still says UNKNOWN_TOPIC_OR_PARTITION and the client asks again.
import { ApiKey, ErrorCode, schema } from '@kafka-chaos/protocol';
import type { TopicImage } from '../metadata/metadata-image.js';
import { isInternalTopic, isValidTopicName } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS, TOPIC_OPERATIONS } from './authorized-operations.js';
import { brokersOnListener, controllerIdFor } from './listener-endpoints.js';
import { leaderReachability, offlineReplicas } from './partition-replicas.js';

interface TopicMetadata {
  errorCode: number;
  name: string | null;
  topicId: string;
  isInternal: boolean;
  partitions: {
    errorCode: number;
    partitionIndex: number;
    leaderId: number;
    leaderEpoch: number;
    replicaNodes: number[];
    isrNodes: number[];
    offlineReplicas: number[];
  }[];
  topicAuthorizedOperations: number;
}

export const metadataHandler = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  handle(broker, body, context) {
    const version = context.apiVersion;
    const allTopics = body.topics === null || (version === 0 && body.topics.length === 0);
    const allowAutoCreation = (version < 4 || body.allowAutoTopicCreation === true) && broker.config.autoCreateTopicsEnable && !allTopics;
    const listener = context.listenerName;
    const includeTopicOperations = version >= 8 && body.includeTopicAuthorizedOperations === true;
    const describe = (topic: TopicImage) => describeTopic(broker, topic, listener, version, includeTopicOperations);

    let topics: TopicMetadata[];
    const requestedTopics = body.topics ?? [];
    if (version < 12 && !allTopics && requestedTopics.some((t) => t.name === null || (t.topicId !== undefined && t.topicId !== schema.ZERO_UUID))) {
      // As KafkaApis: v10 and v11 carry the topic id field but may not use it, nor leave a name out;
      // the answer names every topic INVALID_REQUEST (these versions cannot answer a null name).
      topics = requestedTopics.map((t) => missingTopic(ErrorCode.INVALID_REQUEST, t.name ?? ''));
    } else if (allTopics) {
      topics = [...broker.image.topics()].map(describe);
    } else {
      topics = [];
      const seen = new Set<string>();
      // Kafka answers by id alone as soon as one topic is named by id.
      const byIdOnly = body.topics!.some((t) => t.topicId !== undefined && t.topicId !== schema.ZERO_UUID);
      for (const requested of body.topics!) {
        const byId = requested.topicId !== undefined && requested.topicId !== schema.ZERO_UUID;
        if (byId) {
          const topic = broker.image.topicById(requested.topicId!);
          topics.push(topic === undefined ? missingTopic(ErrorCode.UNKNOWN_TOPIC_ID, null, requested.topicId!) : describe(topic));
          continue;
        }
        if (byIdOnly) continue;
        const name = requested.name ?? '';
        if (seen.has(name)) continue;
        seen.add(name);
        const topic = broker.image.topic(name);
        const operations = includeTopicOperations ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
        if (topic !== undefined) topics.push(describe(topic));
        else if (!isValidTopicName(name)) topics.push(missingTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, name, schema.ZERO_UUID, operations));
        else {
          if (allowAutoCreation) broker.autoCreateTopic(name);
          topics.push(missingTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, schema.ZERO_UUID, operations));
        }
      }
    }
    const includeClusterOperations = version >= 8 && version <= 10 && body.includeClusterAuthorizedOperations === true;
    return {
      throttleTimeMs: 0,
      brokers: brokersOnListener(broker, listener),
      clusterId: broker.clusterId,
      controllerId: controllerIdFor(broker, listener),
      topics,
      clusterAuthorizedOperations: includeClusterOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});

function missingTopic(
  errorCode: number,
  name: string | null,
  topicId: string = schema.ZERO_UUID,
  topicAuthorizedOperations = AUTHORIZED_OPERATIONS_OMITTED,
): TopicMetadata {
  return { errorCode, name, topicId, isInternal: name !== null && isInternalTopic(name), partitions: [], topicAuthorizedOperations };
}

function describeTopic(broker: BrokerServices, topic: TopicImage, listenerName: string, version: number, includeOperations: boolean): TopicMetadata {
  const partitions = [...topic.partitions.values()]
    .sort((a, b) => a.partition - b.partition)
    .map((p) => {
      const reachability = leaderReachability(broker, p, listenerName);
      let errorCode: number = ErrorCode.NONE;
      if (reachability === 'no-leader') errorCode = ErrorCode.LEADER_NOT_AVAILABLE;
      else if (reachability === 'no-listener') errorCode = version >= 6 ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE;
      return {
        errorCode,
        partitionIndex: p.partition,
        leaderId: errorCode === ErrorCode.NONE ? p.leader : -1,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: [...p.replicas],
        isrNodes: [...p.isr],
        offlineReplicas: offlineReplicas(broker, p),
      };
    });
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: includeOperations ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  };
}
