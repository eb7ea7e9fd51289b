// DeleteRecords (key 21): moves partitions' log start offsets forward (-1: to the high watermark);
// segments wholly below the new start are deleted. Not for internal topics, nor for topics whose
// cleanup.policy is compact without delete. A partition is answered once its followers on live
// brokers have moved their log start too (REQUEST_TIMED_OUT after the request's timeout).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
import { isInternalTopic } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const topics = await Promise.all(
      body.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(
          topic.partitions.map(async (p) => {
            try {
              if (broker.image.partition(topic.name, p.partitionIndex) === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION');
              // Kafka's ReplicaManager.deleteRecordsOnLocalLog refuses internal topics before it looks for the partition.
              if (isInternalTopic(topic.name)) throw ApiError.of('INVALID_TOPIC_EXCEPTION', `Cannot delete records of internal topic ${topic.name}`);
              const partition = broker.replicas.partition(topic.name, p.partitionIndex);
              if (partition === undefined) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
              // Kafka 4.4's Partition.deleteRecordsOnLeader: leadership, then the cleanup policy (only a
              // compacted topic without delete refuses; an empty policy, valid since 4.2, does not), then the offset.
              partition.checkLeader();
              const cleanupPolicy = broker.configs.topicValue('cleanup.policy', broker.image.topicConfigs(topic.name)) as string[];
              if (!cleanupPolicy.includes('delete') && cleanupPolicy.includes('compact')) {
                throw ApiError.of('POLICY_VIOLATION', `Records of partition ${topic.name}-${p.partitionIndex} can not be deleted due to the configured policy`);
              }
              const required = await partition.deleteRecordsBefore(p.offset);
              // Kafka's DelayedDeleteRecords: the answer waits until every replica on a live broker
              // has moved its log start there too (the followers learn it from their next fetch).
              const lowWatermark = await partition.waitForLowWatermark(required, body.timeoutMs);
              if (lowWatermark === undefined) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.REQUEST_TIMED_OUT };
              return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
            } catch (error) {
              return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: errorCodeOf(error) };
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
