// AddPartitionsToTxn (key 24), v0-3 as clients send it (v4+ batches transactions for the brokers'
// own verification, KIP-890, which broker-ts does not do). Partitions of unknown topics fail the
// request before the coordinator sees it, the others then answer OPERATION_NOT_ATTEMPTED, as in Kafka;
// otherwise every partition gets the coordinator's one answer.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { fencedForVersion } from '../txn/producer-fenced.js';
import type { TopicPartition } from '../txn/txn-markers.js';

export const addPartitionsToTxnHandler = defineHandler({
  apiKey: ApiKey.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(broker, body, context) {
    const topics = body.v3AndBelowTopics ?? [];
    const partitions: TopicPartition[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const unknown = partitions.filter((tp) => broker.image.partition(tp.topic, tp.partition) === undefined);
    let errorCode: number;
    if (unknown.length > 0) errorCode = ErrorCode.OPERATION_NOT_ATTEMPTED;
    else {
      errorCode = await broker.txns.addPartitions(
        body.v3AndBelowTransactionalId ?? '',
        body.v3AndBelowProducerId ?? -1n,
        body.v3AndBelowProducerEpoch ?? -1,
        partitions,
      );
      errorCode = fencedForVersion(errorCode, context.apiVersion, 2);
    }
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: topics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((partitionIndex) => ({
          partitionIndex,
          partitionErrorCode: unknown.some((tp) => tp.topic === t.name && tp.partition === partitionIndex) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : errorCode,
        })),
      })),
    };
  },
});
