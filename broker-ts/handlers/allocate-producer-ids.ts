// AllocateProducerIds (key 67, controller listener): a broker takes a block of producer ids,
// reserved in the metadata log so that no id is handed out twice in the cluster.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { PRODUCER_ID_BLOCK_SIZE } from '../metadata/controller.js';
import { errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const allocateProducerIdsHandler = defineHandler({
  apiKey: ApiKey.AllocateProducerIds,
  minVersion: 0,
  maxVersion: 0,
  async handle(broker, body) {
    try {
      const producerIdStart = await broker.controller.allocateProducerIds(body.brokerId, body.brokerEpoch);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerIdStart, producerIdLen: PRODUCER_ID_BLOCK_SIZE };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf(error), producerIdStart: -1n, producerIdLen: 0 };
    }
  },
});
