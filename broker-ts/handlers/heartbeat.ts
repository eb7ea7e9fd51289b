// Heartbeat (key 12): keeps a member's session alive and tells it when to rejoin.
import { ApiKey } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(broker, body) {
    return { throttleTimeMs: 0, errorCode: broker.groups.heartbeat(body.groupId, body.memberId, body.groupInstanceId ?? null, body.generationId) };
  },
});
