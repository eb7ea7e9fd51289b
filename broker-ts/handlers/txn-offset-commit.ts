// TxnOffsetCommit (key 28), served by the group coordinator: the offsets are written to the group's
// __consumer_offsets partition as part of the producer's transaction and become visible to
// OffsetFetch only when the transaction's commit marker reaches that partition.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { fencedForVersion } from '../txn/producer-fenced.js';

export const txnOffsetCommitHandler = defineHandler({
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 3,
  async handle(broker, body, context) {
    const unknown = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    const known = body.topics
      .map((topic) => ({
        name: topic.name,
        partitions: topic.partitions
          .filter((p) => {
            if (broker.image.partition(topic.name, p.partitionIndex) !== undefined) return true;
            unknown.set(topic.name, [
              ...(unknown.get(topic.name) ?? []),
              { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
            ]);
            return false;
          })
          .map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: p.committedOffset,
            committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
            committedMetadata: p.committedMetadata,
          })),
      }))
      .filter((topic) => topic.partitions.length > 0);
    // Kafka's GroupCoordinatorService refuses an empty group id before anything else, for every
    // partition KafkaApis found in the metadata (the unknown ones keep UNKNOWN_TOPIC_OR_PARTITION).
    const results =
      body.groupId === ''
        ? new Map(
            known.map((topic) => [topic.name, topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.INVALID_GROUP_ID }))]),
          )
        : await broker.groups.commitTxnOffsets({
            groupId: body.groupId,
            producerId: body.producerId,
            producerEpoch: body.producerEpoch,
            generationId: body.generationIdOrMemberEpoch ?? -1,
            memberId: body.memberId ?? '',
            groupInstanceId: body.groupInstanceId ?? null,
            topics: known,
          });
    const topics = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    for (const source of [unknown, results]) {
      for (const [name, partitions] of source) {
        for (const p of partitions) {
          topics.set(name, [
            ...(topics.get(name) ?? []),
            { partitionIndex: p.partitionIndex, errorCode: fencedForVersion(p.errorCode, context.apiVersion, 3) },
          ]);
        }
      }
    }
    return { throttleTimeMs: 0, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) };
  },
});
