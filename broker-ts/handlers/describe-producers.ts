// DescribeProducers (key 61): the producers a partition's replica on this node keeps state for, what
// `kafka-transactions describe-producers` shows to find a hanging transaction. As in Kafka, any
// replica answers from its own log (the tool asks the leader unless given --broker-id); a node
// without one answers NOT_LEADER_OR_FOLLOWER, or UNKNOWN_TOPIC_OR_PARTITION when the cluster has no
// such partition. Topic-level errors carry Kafka's message; partition-level ones none.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import { topicValidateMessage } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';
import type { ProducerStateEntry } from '../storage/index.js';

/** Kafka's default message for UNKNOWN_TOPIC_OR_PARTITION, which it sends for an unknown topic. */
const UNKNOWN_TOPIC_MESSAGE = 'This server does not host this topic-partition.';

export const describeProducersHandler = defineHandler({
  apiKey: ApiKey.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(broker, body) {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((topic) => {
        const topicError = topicErrorOf(broker, topic.name);
        return {
          name: topic.name,
          partitions: topic.partitionIndexes.map((index) =>
            topicError === undefined ? describePartition(broker, topic.name, index) : failed(index, topicError.code, topicError.responseMessage),
          ),
        };
      }),
    };
  },
});

/** An illegal name or a topic the cluster does not have fails each of its partitions alike. */
function topicErrorOf(broker: BrokerServices, topic: string): ApiError | undefined {
  const invalid = topicValidateMessage(topic);
  if (invalid !== undefined) return ApiError.of('INVALID_TOPIC_EXCEPTION', invalid);
  if (broker.image.topic(topic) === undefined) return ApiError.of('UNKNOWN_TOPIC_OR_PARTITION', UNKNOWN_TOPIC_MESSAGE);
  return undefined;
}

function describePartition(broker: BrokerServices, topic: string, index: number) {
  const partition = broker.replicas.partition(topic, index);
  if (partition === undefined) {
    const known = broker.image.partition(topic, index) !== undefined;
    return failed(index, known ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  // A log in a failed log dir: Kafka's offline partition.
  if (partition.log.isOffline) return failed(index, ErrorCode.KAFKA_STORAGE_ERROR);
  // Kafka lists them in its hash map's order; by id is as good, and the same every time.
  const producers = [...partition.log.producerStates()].sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0));
  return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: producers.map(describeProducer) };
}

function describeProducer(entry: Readonly<ProducerStateEntry>) {
  return {
    producerId: entry.producerId,
    producerEpoch: entry.producerEpoch,
    // No batch kept (only a marker since the last epoch bump): no sequence, as Kafka reports it.
    lastSequence: entry.batches.at(-1)?.lastSeq ?? -1,
    lastTimestamp: entry.lastTimestamp,
    // Kafka takes it from the last transaction marker; the producer state does not record it yet, so -1.
    coordinatorEpoch: entry.coordinatorEpoch,
    currentTxnStartOffset: entry.currentTxnFirstOffset ?? -1n,
  };
}

function failed(partitionIndex: number, errorCode: number, errorMessage: string | null = null) {
  return { partitionIndex, errorCode, errorMessage, activeProducers: [] };
}
