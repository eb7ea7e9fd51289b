// InitProducerId (key 22). Without a transactional id: a fresh producer id with epoch 0 for an
// idempotent producer (ids come from blocks the controller reserves durably, so none is reused after
// a restart). With one: the transaction coordinator of that id bumps its epoch, fencing earlier
// incarnations, and aborts a transaction they left open (the producer retries meanwhile).
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { asCoordinatorError } from '../coordinator/coordinator-log.js';
import { defineHandler } from '../server/api-handler.js';
import { fencedForVersion } from '../txn/producer-fenced.js';

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(broker, body, context) {
    if (body.transactionalId !== null && body.transactionalId !== undefined) {
      const result = await broker.txns.initProducerId(body.transactionalId, body.transactionTimeoutMs, body.producerId ?? -1n, body.producerEpoch ?? -1);
      return { throttleTimeMs: 0, ...result, errorCode: fencedForVersion(result.errorCode, context.apiVersion, 4) };
    }
    try {
      const producerId = await broker.producerIds.generateProducerId();
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
    } catch (error) {
      broker.logger.error({ err: error }, 'producer id allocation failed');
      return { throttleTimeMs: 0, errorCode: asCoordinatorError(error).code, producerId: -1n, producerEpoch: -1 };
    }
  },
});
