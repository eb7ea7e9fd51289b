// EndQuorumEpoch (key 54, controller listener): the quorum leader is stepping down (a graceful
// stop) and names the voters it prefers as successors.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { endEpochFromWire, epochToWire } from '../raft/raft-wire.js';
import type { EpochResponse } from '../raft/raft-messages.js';

export const endQuorumEpochHandler = defineHandler({
  apiKey: ApiKey.EndQuorumEpoch,
  minVersion: 0,
  maxVersion: 1,
  async handle(broker, body) {
    const request = endEpochFromWire(body);
    if (request === undefined) return { errorCode: ErrorCode.INVALID_REQUEST, topics: [], nodeEndpoints: [] };
    return epochToWire((await broker.raft.handle(request.leaderId, request)) as EpochResponse);
  },
});
