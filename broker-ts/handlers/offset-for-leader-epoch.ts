// OffsetForLeaderEpoch (key 23, v2+ as in Kafka 4): the end offset of a leader epoch in the leader's
// log, which consumers use to detect log truncation after a leader change (KIP-320) and followers
// to find where to truncate (KIP-101, issue 4).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { ApiError, errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 2,
  maxVersion: 4,
  handle(broker, body) {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((topic) => ({
        topic: topic.topic,
        partitions: topic.partitions.map((p) => {
          try {
            if (broker.image.partition(topic.topic, p.partition) === undefined) throw ApiError.of('UNKNOWN_TOPIC_OR_PARTITION');
            const partition = broker.replicas.partition(topic.topic, p.partition);
            if (partition === undefined) throw ApiError.of('NOT_LEADER_OR_FOLLOWER');
            partition.checkLeader(p.currentLeaderEpoch ?? -1);
            const end = partition.log.endOffsetForEpoch(p.leaderEpoch);
            return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: end.epoch, endOffset: end.endOffset };
          } catch (error) {
            return { errorCode: errorCodeOf(error), partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          }
        }),
      })),
    };
  },
});
