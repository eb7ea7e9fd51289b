// AddOffsetsToTxn (key 25): the __consumer_offsets partition of the group joins the transaction, so
// its commit or abort marker decides the offsets a TxnOffsetCommit writes there.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { CONSUMER_OFFSETS_TOPIC } from '../metadata/topic-names.js';
import { defineHandler } from '../server/api-handler.js';
import { fencedForVersion } from '../txn/producer-fenced.js';

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(broker, body, context) {
    try {
      await broker.ensureInternalTopic(CONSUMER_OFFSETS_TOPIC);
    } catch (error) {
      broker.logger.warn({ err: error }, `cannot create ${CONSUMER_OFFSETS_TOPIC}`);
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    }
    const partition = broker.groups.partitionFor(body.groupId);
    const errorCode = await broker.txns.addPartitions(body.transactionalId, body.producerId, body.producerEpoch, [
      { topic: CONSUMER_OFFSETS_TOPIC, partition },
    ]);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, context.apiVersion, 2) };
  },
});
