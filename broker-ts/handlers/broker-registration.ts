// BrokerRegistration (key 62, controller listener): a broker starting up registers with the active
// controller and gets its broker epoch.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const brokerRegistrationHandler = defineHandler({
  apiKey: ApiKey.BrokerRegistration,
  minVersion: 0,
  maxVersion: 4,
  async handle(broker, body) {
    if (body.clusterId !== broker.clusterId) return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, brokerEpoch: -1n };
    try {
      const brokerEpoch = await broker.controller.registerBroker({
        brokerId: body.brokerId,
        incarnationId: body.incarnationId,
        listeners: body.listeners,
        rack: body.rack,
        previousBrokerEpoch: body.previousBrokerEpoch ?? -1n,
      });
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, brokerEpoch };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf(error), brokerEpoch: -1n };
    }
  },
});
