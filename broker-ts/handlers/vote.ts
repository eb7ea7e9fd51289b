// Vote (key 52, controller listener): a candidate, or a prospective candidate asking for a
// pre-vote, asks this voter for its vote in the metadata quorum.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { voteFromWire, voteToWire } from '../raft/raft-wire.js';
import type { VoteResponse } from '../raft/raft-messages.js';

export const voteHandler = defineHandler({
  apiKey: ApiKey.Vote,
  minVersion: 0,
  maxVersion: 2,
  async handle(broker, body) {
    const request = voteFromWire(body);
    if (request === undefined) return { errorCode: ErrorCode.INVALID_REQUEST, topics: [], nodeEndpoints: [] };
    return voteToWire((await broker.raft.handle(request.candidateId, request)) as VoteResponse);
  },
});
