// DescribeTopicPartitions (key 75): topics and their partitions a page at a time, what
// kafka-topics --describe asks for (KIP-966). Topics go in name order and partitions in index order;
// a page holds at most ResponsePartitionLimit partitions and its NextCursor names the first one left
// out. Each partition carries its eligible leader replicas and last known ELR (empty lists where it
// has none, as Kafka answers).
import { ApiKey, ErrorCode, schema } from '@kafka-chaos/protocol';
import type { RequestBody, ResponseBody } from '@kafka-chaos/protocol';
import type { PartitionRegistration, TopicImage } from '../metadata/metadata-image.js';
import { isInternalTopic, isValidTopicName } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';
import { AUTHORIZED_OPERATIONS_OMITTED, TOPIC_OPERATIONS } from './authorized-operations.js';
import { leaderReachability, offlineReplicas } from './partition-replicas.js';

type Request = RequestBody<typeof ApiKey.DescribeTopicPartitions>;
type Response = ResponseBody<typeof ApiKey.DescribeTopicPartitions>;
type ResponseTopic = Response['topics'][number];
type Cursor = NonNullable<Response['nextCursor']>;

/** Kafka's default max.request.partition.size.limit, which caps every page; broker-ts has no such setting. */
const MAX_PARTITIONS_PER_RESPONSE = 2000;

export const describeTopicPartitionsHandler = defineHandler({
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle(broker, body, context) {
    const { cursor } = body;
    const allTopics = body.topics.length === 0;
    const requested = allTopics ? [...broker.image.topics()].map((t) => t.name) : body.topics.map((t) => t.name);
    // Topics named before the cursor's were on earlier pages; a topic named twice is described once.
    const names = new Set(requested.filter((name) => cursor === null || name >= cursor.topicName));
    if (cursor !== null && ((!allTopics && !names.has(cursor.topicName)) || cursor.partitionIndex < 0)) return invalidRequest(body);

    // As Kafka: a limit below 1 still returns one partition.
    let remaining = Math.max(Math.min(MAX_PARTITIONS_PER_RESPONSE, body.responsePartitionLimit), 1);
    const topics: ResponseTopic[] = [];
    let nextCursor: Cursor | null = null;
    // Sorted by UTF-16 code units, the order of Java's String.compareTo.
    for (const name of [...names].sort()) {
      if (remaining === 0) {
        // The previous topic filled the page to its last partition: the next page starts here,
        // whether this topic exists or not.
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const topic = broker.image.topic(name);
      if (topic === undefined) {
        topics.push(missingTopic(name));
        continue;
      }
      const first = name === cursor?.topicName ? cursor.partitionIndex : 0;
      // Kafka adds in 32-bit ints: a cursor near 2^31 wraps the end around, the page gets no partition
      // and its cursor the wrapped index. Answering the same keeps the two brokers' pages alike.
      const end = Math.min(topic.partitions.size, (first + remaining) | 0);
      const partitions = describePartitions(broker, topic, first, end, context.listenerName);
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.id,
        isInternal: isInternalTopic(name),
        partitions,
        topicAuthorizedOperations: TOPIC_OPERATIONS,
      });
      if (end < topic.partitions.size) {
        nextCursor = { topicName: name, partitionIndex: end };
        break;
      }
      remaining -= partitions.length;
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
});

function describePartitions(broker: BrokerServices, topic: TopicImage, first: number, end: number, listenerName: string): ResponseTopic['partitions'] {
  const partitions: ResponseTopic['partitions'] = [];
  for (let index = first; index < end; index++) {
    const partition = topic.partitions.get(index);
    if (partition !== undefined) partitions.push(describePartition(broker, partition, listenerName));
  }
  return partitions;
}

function describePartition(broker: BrokerServices, partition: PartitionRegistration, listenerName: string): ResponseTopic['partitions'][number] {
  return {
    // Unlike Metadata, a partition without a reachable leader is no error: its leader is -1.
    errorCode: ErrorCode.NONE,
    partitionIndex: partition.partition,
    leaderId: leaderReachability(broker, partition, listenerName) === 'reachable' ? partition.leader : -1,
    leaderEpoch: partition.leaderEpoch,
    replicaNodes: [...partition.replicas],
    isrNodes: [...partition.isr],
    eligibleLeaderReplicas: [...partition.elr],
    lastKnownElr: [...partition.lastKnownElr],
    offlineReplicas: offlineReplicas(broker, partition),
  };
}

function missingTopic(name: string): ResponseTopic {
  return {
    errorCode: isValidTopicName(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION,
    name,
    topicId: schema.ZERO_UUID,
    isInternal: isInternalTopic(name),
    partitions: [],
    topicAuthorizedOperations: TOPIC_OPERATIONS,
  };
}

/**
 * Kafka's answer to a cursor it cannot follow (a topic not asked for, a negative partition): every
 * topic of the request, in its order, with INVALID_REQUEST and nothing else.
 */
function invalidRequest(body: Request): Response {
  return {
    throttleTimeMs: 0,
    topics: body.topics.map((t) => ({
      errorCode: ErrorCode.INVALID_REQUEST,
      name: t.name,
      topicId: schema.ZERO_UUID,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    })),
    nextCursor: null,
  };
}
