// ListOffsets (key 2): the earliest (-2), latest (-1), max-timestamp (-3, v7+) or earliest-local
// (-4, v8+) offset of a partition, or the first offset whose record timestamp is at least the one
// asked for. Consumers see only what is below the high watermark (the last stable offset for
// READ_COMMITTED).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';
import type { BrokerServices } from '../server/broker-services.js';

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 8,
  handle(broker, body) {
    const isolationLevel = body.isolationLevel ?? 0;
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((topic) => {
        const counts = new Map<number, number>();
        for (const p of topic.partitions) counts.set(p.partitionIndex, (counts.get(p.partitionIndex) ?? 0) + 1);
        // A partition asked for twice is answered once, with INVALID_REQUEST, as Kafka does.
        const firstOccurrences = topic.partitions.filter((p, i) => topic.partitions.findIndex((q) => q.partitionIndex === p.partitionIndex) === i);
        return {
          name: topic.name,
          partitions: firstOccurrences.map((p) => {
            if (counts.get(p.partitionIndex)! > 1) return failed(p.partitionIndex, ErrorCode.INVALID_REQUEST);
            try {
              return lookUp(broker, topic.name, p.partitionIndex, p.timestamp, p.currentLeaderEpoch ?? -1, isolationLevel);
            } catch (error) {
              const code = errorCodeOf(error);
              if (code === ErrorCode.UNKNOWN_SERVER_ERROR) broker.logger.error({ err: error, topic: topic.name }, 'ListOffsets failed');
              return failed(p.partitionIndex, code);
            }
          }),
        };
      }),
    };
  },
});

function lookUp(broker: BrokerServices, topic: string, index: number, timestamp: bigint, currentLeaderEpoch: number, isolationLevel: number) {
  if (broker.image.partition(topic, index) === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION');
  const partition = broker.replicas.partition(topic, index);
  if (partition === undefined) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
  partition.checkLeader(currentLeaderEpoch);
  const found = partition.offsetForTimestamp(timestamp, isolationLevel);
  return {
    partitionIndex: index,
    errorCode: ErrorCode.NONE,
    timestamp: found?.timestamp ?? -1n,
    offset: found?.offset ?? -1n,
    leaderEpoch: found?.leaderEpoch ?? -1,
  };
}

function failed(partitionIndex: number, errorCode: number) {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}
