// OffsetCommit (key 8): offsets for partitions of existing topics are checked against the group
// (generation, member, state) and written to __consumer_offsets before they are acknowledged.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 2,
  maxVersion: 9,
  async handle(broker, body, context) {
    // As KafkaApis does, partitions of unknown topics are answered before the coordinator sees the request.
    const unknown = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    const known = body.topics
      .map((topic) => {
        const partitions = topic.partitions.filter((p) => {
          if (broker.image.partition(topic.name, p.partitionIndex) !== undefined) return true;
          const list = unknown.get(topic.name) ?? [];
          list.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
          unknown.set(topic.name, list);
          return false;
        });
        return {
          name: topic.name,
          partitions: partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: p.committedOffset,
            committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
            committedMetadata: p.committedMetadata,
          })),
        };
      })
      .filter((topic) => topic.partitions.length > 0);
    const results = await broker.groups.commitOffsets(context.apiVersion, {
      groupId: body.groupId,
      generationId: body.generationIdOrMemberEpoch,
      memberId: body.memberId,
      groupInstanceId: body.groupInstanceId ?? null,
      topics: known,
    });
    // Kafka's response builder lists the partitions refused up front first, then the coordinator's answers.
    const topics = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    const add = (name: string, partition: { partitionIndex: number; errorCode: number }) => {
      const list = topics.get(name) ?? [];
      list.push(partition);
      topics.set(name, list);
    };
    for (const [name, partitions] of unknown) for (const p of partitions) add(name, p);
    for (const [name, partitions] of results) for (const p of partitions) add(name, p);
    return { throttleTimeMs: 0, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) };
  },
});
