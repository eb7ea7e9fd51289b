// AlterPartition (key 56, controller listener): a partition leader asks to shrink or expand the ISR.
// The change is checked against the partition's leader epoch and partition epoch, so a leader that
// has been replaced, or that works from an older state, cannot overwrite newer changes.
import { ApiKey, ErrorCode, schema } from '@kafka-chaos/protocol';
import { errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const alterPartitionHandler = defineHandler({
  apiKey: ApiKey.AlterPartition,
  minVersion: 0,
  maxVersion: 3,
  async handle(broker, body, context) {
    const byId = context.apiVersion >= 2;
    const items = body.topics.flatMap((topic) => {
      const topicId = byId ? topic.topicId! : (broker.image.topic(topic.topicName ?? '')?.id ?? schema.ZERO_UUID);
      return topic.partitions.map((p) => ({
        topicId,
        partitionIndex: p.partitionIndex,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr: p.newIsrWithEpochs ?? (p.newIsr ?? []).map((brokerId) => ({ brokerId, brokerEpoch: -1n })),
      }));
    });
    let results;
    try {
      results = await broker.controller.alterPartition(body.brokerId, body.brokerEpoch, items);
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf(error), topics: [] };
    }
    let i = 0;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: body.topics.map((topic) => ({
        topicName: topic.topicName,
        topicId: topic.topicId,
        partitions: topic.partitions.map((p) => {
          const { errorCode, state } = results[i++]!;
          return {
            partitionIndex: p.partitionIndex,
            errorCode,
            leaderId: state?.leader ?? -1,
            leaderEpoch: state?.leaderEpoch ?? -1,
            isr: [...(state?.isr ?? [])],
            leaderRecoveryState: 0,
            partitionEpoch: state?.partitionEpoch ?? -1,
          };
        }),
      })),
    };
  },
});
