// BrokerHeartbeat (key 63, controller listener): a broker's lease, its metadata progress, and its
// wish to be fenced or to shut down; the answer says whether it is fenced and may shut down.
import { ApiKey } from '@kafka-chaos/protocol';
import { errorCodeOf } from '../errors/api-error.js';
import { defineHandler } from '../server/api-handler.js';

export const brokerHeartbeatHandler = defineHandler({
  apiKey: ApiKey.BrokerHeartbeat,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    try {
      const result = await broker.controller.heartbeat(body);
      return { throttleTimeMs: 0, ...result };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf(error), isCaughtUp: false, isFenced: true, shouldShutDown: false };
    }
  },
});
