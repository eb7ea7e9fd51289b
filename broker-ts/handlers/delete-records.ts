// DeleteRecords (key 21): moves partitions' log start offsets forward (-1: to the high watermark);
// segments wholly below the new start are deleted.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
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
              const partition = broker.replicas.partition(topic.name, p.partitionIndex);
              if (partition === undefined) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
              const lowWatermark = await partition.deleteRecordsBefore(p.offset);
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
