// InitProducerId (key 22) for idempotent producers: a fresh producer id with epoch 0 (ids come from
// blocks the controller reserves durably, so none is reused after a restart). Transactional ids
// need the transaction coordinator, which comes in a later issue.
import { ApiKey, ErrorCode } from '../protocol/index.js';
import { asCoordinatorError } from '../group/group-log.js';
import { defineHandler } from '../server/api-handler.js';

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(broker, body) {
    if (body.transactionalId !== null && body.transactionalId !== undefined) {
      broker.logger.warn({ transactionalId: body.transactionalId }, 'InitProducerId for a transactional id: transactions are not supported yet');
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
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
