// BeginQuorumEpoch (key 53, controller listener): a newly elected quorum leader announces itself.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { beginEpochFromWire, epochToWire } from '../raft/raft-wire.js';
import type { EpochResponse } from '../raft/raft-messages.js';

export const beginQuorumEpochHandler = defineHandler({
  apiKey: ApiKey.BeginQuorumEpoch,
  minVersion: 0,
  maxVersion: 1,
  async handle(broker, body) {
    const request = beginEpochFromWire(body);
    if (request === undefined) return { errorCode: ErrorCode.INVALID_REQUEST, topics: [], nodeEndpoints: [] };
    return epochToWire((await broker.raft.handle(request.leaderId, request)) as EpochResponse);
  },
});
